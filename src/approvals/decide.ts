import type { ApprovalStatus } from '../vocabulary/approval-statuses.js';
import type { Channel, ExpiryResolution } from '../vocabulary/channels.js';
import type { Priority } from '../vocabulary/priorities.js';
import { requiresDualChannel } from './timeouts.js';

export type Verdict = 'approve' | 'reject';

export interface RecordedDecision {
  channel: Channel;
  actor: string;
  /** The person behind the actor (token or Telegram user mapped in config); default the actor's name. */
  person?: string | null;
  decision: Verdict;
  reason: string;
  /** The payload hash the approver was shown; always the request's own (others are refused). */
  payloadHash: string;
  at: Date;
}

export interface ApprovalState {
  status: ApprovalStatus;
  priority: Priority;
  requester: string;
  /** The person behind the requester; four eyes compares people, so one person under two names is still one. */
  requesterPerson?: string | null;
  payloadHash: string;
  /**
   * The channels the request is put to. At or above the dual-channel priority
   * each of them must approve; below it the first decision on any of them
   * settles the request.
   */
  requiredChannels: readonly Channel[];
  /** Accepted decisions, oldest first; refused attempts are not recorded. */
  decisions: readonly RecordedDecision[];
  /** With dual-channel approval, the approvals must come from different actors. */
  requireDistinctApprovers: boolean;
  expiresAt: Date;
  /** When the request left `pending`. */
  decidedAt?: Date | null;
  /** How it left `pending`, in words (e.g. `rejected on telegram by bob: too big`). */
  resolution?: string | null;
}

export interface DecisionInput {
  channel: Channel;
  actor: string;
  /** The person behind the actor. @defaultValue the actor's name */
  actorPerson?: string;
  actorRoles: readonly string[];
  decision: Verdict;
  reason: string;
  /** Hash of the payload the actor was shown. */
  payloadHash: string;
  now: Date;
}

/** What a request past its deadline becomes: expired (nothing applied) or approved by default. */

export interface DecideOptions {
  /** Roles that may decide requests of this kind (the policy's `approverRoles`). */
  approverRoles: readonly string[];
  /** Least priority that needs an approval on every channel. @defaultValue `'high'` */
  dualChannelMinPriority?: Priority;
  /** Applied when a decision arrives at or after the deadline. @defaultValue `'reject'` */
  onExpiry?: ExpiryResolution;
}

export const DEFAULT_DECIDE_OPTIONS: Required<Omit<DecideOptions, 'approverRoles'>> = {
  dualChannelMinPriority: 'high',
  onExpiry: 'reject',
};

export type RefusalReason = 'channel_not_offered' | 'own_request' | 'not_an_approver' | 'stale_payload' | 'same_approver';

export const REFUSAL_MESSAGES: Readonly<Record<RefusalReason, string>> = {
  channel_not_offered: 'this request is not open for decisions on this channel',
  own_request: 'you cannot approve your own request',
  not_an_approver: 'you do not hold a role that may decide this kind of request',
  stale_payload: 'the request changed since you viewed it; reload it and decide again',
  same_approver: 'the other channel was approved by you; a different person must approve here',
};

export type DecisionResult = 'recorded' | 'decided' | 'already_decided' | 'expired' | 'duplicate' | 'refused';

export interface DecisionOutcome {
  /**
   * `recorded`: accepted, still pending (waiting for another channel);
   * `decided`: the request is now approved or rejected; `duplicate`: this
   * channel has decided already; `already_decided`/`expired`: the request was
   * final (or has just expired), nothing recorded; `refused`: see `reason`.
   */
  result: DecisionResult;
  /** Set when `result` is `refused`. */
  reason?: RefusalReason;
  state: ApprovalState;
}

const finish = (state: ApprovalState, status: Exclude<ApprovalStatus, 'pending'>, resolution: string, now: Date, decisions = state.decisions): ApprovalState => ({
  ...state,
  status,
  decisions,
  decidedAt: now,
  resolution,
});

const finalResult = (state: ApprovalState): 'expired' | 'already_decided' => (state.status === 'expired' ? 'expired' : 'already_decided');

/**
 * The decision reducer: applies one approver's decision to a request and says
 * what happened. Never mutates `state`; when nothing is recorded the same
 * `state` object is returned.
 */
export function applyDecision(state: ApprovalState, input: DecisionInput, options: DecideOptions): DecisionOutcome {
  const { dualChannelMinPriority, onExpiry } = { ...DEFAULT_DECIDE_OPTIONS, ...options };
  if (state.status !== 'pending') return { result: finalResult(state), state };
  if (input.now.getTime() >= state.expiresAt.getTime()) return { result: 'expired', state: expire(state, input.now, onExpiry).state };

  const refuse = (reason: RefusalReason): DecisionOutcome => ({ result: 'refused', reason, state });
  if (state.requiredChannels.length > 0 && !state.requiredChannels.includes(input.channel)) return refuse('channel_not_offered');
  const person = input.actorPerson ?? input.actor;
  const ownRequest = input.actor === state.requester || person === (state.requesterPerson ?? state.requester);
  if (input.decision === 'approve' && ownRequest) return refuse('own_request');
  if (!input.actorRoles.some((role) => options.approverRoles.includes(role))) return refuse('not_an_approver');
  if (input.payloadHash !== state.payloadHash) return refuse('stale_payload');
  if (state.decisions.some((d) => d.channel === input.channel)) return { result: 'duplicate', state };

  const recorded: RecordedDecision = {
    channel: input.channel,
    actor: input.actor,
    person,
    decision: input.decision,
    reason: input.reason,
    payloadHash: input.payloadHash,
    at: input.now,
  };
  const decisions = [...state.decisions, recorded];
  const by = (d: RecordedDecision) => `${d.channel} by ${d.actor}`;

  if (input.decision === 'reject') {
    const resolution = `rejected on ${by(recorded)}${input.reason ? `: ${input.reason}` : ''}`;
    return { result: 'decided', state: finish(state, 'rejected', resolution, input.now, decisions) };
  }
  if (!requiresDualChannel(state.priority, dualChannelMinPriority)) {
    return { result: 'decided', state: finish(state, 'approved', `approved on ${by(recorded)}`, input.now, decisions) };
  }
  if (state.requireDistinctApprovers && state.decisions.some((d) => d.decision === 'approve' && (d.actor === input.actor || (d.person ?? d.actor) === person))) {
    return refuse('same_approver');
  }
  const approved = decisions.filter((d) => d.decision === 'approve');
  if (state.requiredChannels.every((channel) => approved.some((d) => d.channel === channel))) {
    return { result: 'decided', state: finish(state, 'approved', `approved on ${approved.map(by).join(' and ')}`, input.now, decisions) };
  }
  return { result: 'recorded', state: { ...state, decisions } };
}

export interface ExpireOutcome {
  /** `expired`: the deadline passed and the request is now final; `not_due`: still before the deadline. */
  result: 'expired' | 'already_decided' | 'not_due';
  state: ApprovalState;
}

/**
 * Settles a pending request whose deadline has passed: `reject` makes it
 * `expired` (nothing is applied), `approve` approves it by default.
 */
export function expire(state: ApprovalState, now: Date, resolution: ExpiryResolution = 'reject'): ExpireOutcome {
  if (state.status !== 'pending') return { result: 'already_decided', state };
  if (now.getTime() < state.expiresAt.getTime()) return { result: 'not_due', state };
  const next =
    resolution === 'approve'
      ? finish(state, 'approved', 'approved by default: no decision before the deadline', now)
      : finish(state, 'expired', 'expired: no decision before the deadline', now);
  return { result: 'expired', state: next };
}

/** Withdraws a pending request (e.g. the proposer no longer needs it). */
export function cancel(state: ApprovalState, now: Date, reason = 'cancelled'): { result: 'cancelled' | 'already_decided'; state: ApprovalState } {
  if (state.status !== 'pending') return { result: 'already_decided', state };
  return { result: 'cancelled', state: finish(state, 'cancelled', reason, now) };
}
