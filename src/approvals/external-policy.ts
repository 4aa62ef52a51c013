import { evaluateProposal, type PolicyVerdict } from '../policy/evaluate.js';
import type { PolicyConfig } from '../policy/policy-config.js';
import { maxPriority, type Priority } from '../vocabulary/priorities.js';
import type { Role } from '../vocabulary/roles.js';

/** Who decides an external kind the policy does not list. */
export const DEFAULT_EXTERNAL_APPROVER_ROLES: readonly Role[] = ['admin', 'approver'];

/** `meta.strategy.apply`: a namespace and at least one more dotted part, lowercase. */
export const EXTERNAL_KIND = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;

const listed = (kind: string, policy: PolicyConfig) => Object.hasOwn(policy.kinds, kind) && policy.kinds[kind] !== undefined;

/**
 * The policy's verdict on an outside system's request. A kind listed in the
 * policy is evaluated like any action (proposer `agent`): it may be applied,
 * refused or sent to a person. An unknown external kind always needs a person.
 * The requester's priority is a floor: the policy may raise it, never lower it.
 */
export function evaluateExternal(input: { kind: string; payload: Record<string, unknown>; priority: Priority }, policy: PolicyConfig): PolicyVerdict {
  if (!listed(input.kind, policy)) {
    return {
      outcome: 'approve',
      priority: input.priority,
      reasons: [`${input.kind} is not in the policy: an external request of an unknown kind always needs a person`],
      channels: [...policy.channels],
      approverRoles: [...DEFAULT_EXTERNAL_APPROVER_ROLES],
    };
  }
  const verdict = evaluateProposal({ kind: input.kind, proposer: 'agent', params: input.payload }, policy);
  return verdict.outcome === 'approve' ? { ...verdict, priority: maxPriority([verdict.priority, input.priority]) } : verdict;
}

/** Roles that may decide an external request: the policy's for a listed kind, else the default. */
export function externalApproverRoles(kind: string, policy: PolicyConfig): Role[] {
  return listed(kind, policy) ? [...policy.kinds[kind]!.approverRoles] : [...DEFAULT_EXTERNAL_APPROVER_ROLES];
}

/** Whether a callback URL's host is allowed: an empty list allows any; `*.example.com` allows subdomains. */
export function callbackHostAllowed(url: URL, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const host = url.hostname.toLowerCase();
  return allowed.some((entry) => {
    const rule = entry.toLowerCase();
    return rule.startsWith('*.') ? host.endsWith(rule.slice(1)) : host === rule;
  });
}
