import type { ApprovalStatus } from '../vocabulary/approval-statuses.js';
import { NonJsonValueError, payloadHash } from './payload-hash.js';

export interface ApprovedRequest {
  status: ApprovalStatus;
  /** Hash of the payload the approvers decided on. */
  payloadHash: string;
}

export interface UseOptions {
  /** When the approval was used already (the request's `used_at`); absent or null: never. @defaultValue never used */
  usedAt?: Date | string | null;
}

export type UseRefusal = 'not_approved' | 'already_used' | 'payload_changed';

export type UseCheck = { ok: true; payloadHash: string } | { ok: false; reason: UseRefusal; detail: string };

/**
 * Whether an action may be applied under this approval: the request must be
 * approved, never used before, and `actionParams` (the parameters as they
 * would be applied now) must hash to exactly what was approved.
 */
export function checkApprovalForAction(request: ApprovedRequest, actionParams: unknown, options: UseOptions = {}): UseCheck {
  if (request.status !== 'approved') return { ok: false, reason: 'not_approved', detail: `the request is ${request.status}, not approved` };
  if (options.usedAt !== undefined && options.usedAt !== null) {
    const at = new Date(options.usedAt);
    return { ok: false, reason: 'already_used', detail: `the approval was used at ${Number.isNaN(at.getTime()) ? String(options.usedAt) : at.toISOString()}` };
  }
  let hash: string;
  try {
    hash = payloadHash(actionParams);
  } catch (error) {
    // What was approved hashed fine, so parameters that cannot be hashed differ from it.
    if (error instanceof NonJsonValueError) return { ok: false, reason: 'payload_changed', detail: error.message };
    throw error;
  }
  if (hash !== request.payloadHash) {
    return { ok: false, reason: 'payload_changed', detail: `the parameters changed since approval (approved ${request.payloadHash.slice(0, 12)}…, now ${hash.slice(0, 12)}…)` };
  }
  return { ok: true, payloadHash: hash };
}
