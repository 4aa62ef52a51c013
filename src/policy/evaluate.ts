import { formatNumber, humanizeKey } from '../approvals/render-payload.js';
import type { Channel, ExpiryResolution } from '../vocabulary/channels.js';
import { maxPriority, type Priority } from '../vocabulary/priorities.js';
import type { Role } from '../vocabulary/roles.js';
import { DEFAULT_POLICY, type Guardrail, type KindPolicy, type PolicyConfig } from './policy-config.js';

export interface PolicyProposal {
  kind: string;
  /** An agent (`ops`, `growth`, `pm`) or `operator`. */
  proposer: string;
  params: Record<string, unknown>;
}

export type PolicyVerdict =
  | { outcome: 'apply' }
  | { outcome: 'refuse'; reason: string }
  | {
      outcome: 'approve';
      priority: Priority;
      /** Why a person must look, one sentence each (e.g. which guardrail is exceeded). */
      reasons: string[];
      channels: Channel[];
      /** Roles that may decide the request. */
      approverRoles: Role[];
    };

type Measured = { ok: true; value: number } | { ok: false; reason: string } | { ok: true; value: undefined };

function lookup(params: Record<string, unknown>, path: string): unknown {
  let current: unknown = params;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function measure(guardrail: Guardrail, params: Record<string, unknown>, label: string): Measured {
  const raw = lookup(params, guardrail.param);
  if (raw === undefined || raw === null) {
    return guardrail.required === false ? { ok: true, value: undefined } : { ok: false, reason: `${label} (${guardrail.param}) is missing` };
  }
  if (guardrail.measure === 'length') {
    if (Array.isArray(raw) || typeof raw === 'string') return { ok: true, value: raw.length };
    return { ok: false, reason: `${label} (${guardrail.param}) must be a list` };
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return { ok: false, reason: `${label} (${guardrail.param}) must be a number` };
  return { ok: true, value: guardrail.measure === 'abs' ? Math.abs(raw) : raw };
}

const ratioText = (ratio: number) => (Number.isFinite(ratio) ? `${Math.round(ratio * 100) / 100}×` : 'no allowance');

function priorityFor(policy: KindPolicy, ratios: number[]): Priority {
  const rule = policy.priority;
  if (rule.type === 'fixed') return rule.priority;
  const reached = rule.steps.filter((step) => ratios.some((ratio) => ratio >= step.ratio)).map((step) => step.priority);
  return maxPriority(reached, rule.base);
}

/**
 * The policy's verdict on a proposal: refused (unknown or disabled kind, a
 * proposer not allowed, a parameter missing or past a hard limit), applied
 * directly (within every guardrail), or sent for approval with a priority.
 */
export function evaluateProposal(proposal: PolicyProposal, config: PolicyConfig = DEFAULT_POLICY): PolicyVerdict {
  const { kind, proposer, params } = proposal;
  const policy = Object.hasOwn(config.kinds, kind) ? config.kinds[kind] : undefined;
  if (!policy) return { outcome: 'refuse', reason: `unknown action kind ${kind}` };
  if (policy.enabled === false) return { outcome: 'refuse', reason: `${kind} is disabled by policy` };
  if (!(policy.proposers as readonly string[]).includes(proposer)) return { outcome: 'refuse', reason: `${proposer} may not propose ${kind}` };
  if (policy.approverRoles.length === 0) return { outcome: 'refuse', reason: `no role may approve ${kind}` };

  const refusals: string[] = [];
  const reasons: string[] = [];
  const ratios: number[] = [];
  for (const guardrail of policy.guardrails) {
    const label = guardrail.label ?? humanizeKey(guardrail.param);
    const measured = measure(guardrail, params, label);
    if (!measured.ok) {
      refusals.push(measured.reason);
      continue;
    }
    const value = measured.value;
    if (value === undefined) continue;
    if (guardrail.hardMin !== undefined && value < guardrail.hardMin) {
      refusals.push(`${label} ${formatNumber(value)} is below the hard limit of ${formatNumber(guardrail.hardMin)}`);
    } else if (guardrail.hardMax !== undefined && value > guardrail.hardMax) {
      refusals.push(`${label} ${formatNumber(value)} is over the hard limit of ${formatNumber(guardrail.hardMax)}`);
    } else if (value > guardrail.max) {
      const ratio = guardrail.max > 0 ? value / guardrail.max : Number.POSITIVE_INFINITY;
      ratios.push(ratio);
      reasons.push(`${label} ${formatNumber(value)} is over the guardrail of ${formatNumber(guardrail.max)} (${ratioText(ratio)})`);
    }
  }
  if (refusals.length > 0) return { outcome: 'refuse', reason: refusals.join('; ') };
  if (reasons.length === 0 && !policy.alwaysApprove) return { outcome: 'apply' };
  if (reasons.length === 0) reasons.push(`${kind} always needs approval`);
  return {
    outcome: 'approve',
    priority: priorityFor(policy, ratios),
    reasons,
    channels: [...config.channels],
    approverRoles: [...policy.approverRoles],
  };
}

/** Roles that may decide requests of `kind`; none for a kind the policy does not know. */
export function approverRolesFor(kind: string, config: PolicyConfig = DEFAULT_POLICY): Role[] {
  const policy = Object.hasOwn(config.kinds, kind) ? config.kinds[kind] : undefined;
  return policy ? [...policy.approverRoles] : [];
}

/** What an undecided request of `kind` becomes at its deadline. */
export function expireOnKind(kind: string, config: PolicyConfig = DEFAULT_POLICY): ExpiryResolution {
  const policy = Object.hasOwn(config.kinds, kind) ? config.kinds[kind] : undefined;
  return policy?.onExpiry ?? 'reject';
}
