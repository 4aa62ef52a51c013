import { createHash, randomUUID } from 'node:crypto';
import { allowedJobId, approvalJobId, approvalsQueue } from '../../queues/approvals.js';
import { telegramJobId, telegramQueue } from '../../queues/telegram.js';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { evaluateProposal, type PolicyVerdict } from '../policy/evaluate.js';
import { type Evaluation, withEvaluation } from '../policy/with-evaluation.js';
import { askEvaluator, evaluatorApplies } from './evaluator.js';
import { payloadHash } from './payload-hash.js';
import { insertRequest } from './store.js';
import { escalateAt, expiresAt } from './timeouts.js';
import { type ApprovalView, toView } from './view.js';

export interface Proposal {
  kind: string;
  /** Who proposes, as the policy knows them: an agent (`ops`, `growth`, `pm`) or `operator`. */
  proposer: string;
  /** The person or agent named as requester (four eyes: never its own approver); default `proposer`. */
  requester?: string;
  /** The person behind the requester (four eyes by identity); default the requester's name. */
  requesterPerson?: string;
  params: Record<string, unknown>;
  traceId: string;
  /** One line for lists and notifications. */
  summary: string;
  /** The same key proposes once: a retried job gets the first request back. */
  idempotencyKey?: string;
}

export type ProposalOutcome =
  /** The policy applies it without a person: its apply job (`applyJobId`) is queued on `approvals`, as an approved one's is. */
  | { outcome: 'applied'; applyJobId: string }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'approval_requested'; request: ApprovalView; created: boolean };

/**
 * The decision hub: the policy applies the action, refuses it, or turns it into an
 * approval request that waits for people on the console and Telegram. Applying is
 * always a job (apply-allowed.ts, apply-approved.ts), never work in the caller.
 */
export async function propose(deps: Deps, proposal: Proposal): Promise<ProposalOutcome> {
  const now = deps.clock.now();
  const requester = proposal.requester ?? proposal.proposer;
  const base = { traceId: proposal.traceId, actor: requester, channel: 'policy', at: now };
  const handler = deps.actions.get(proposal.kind);
  let verdict: PolicyVerdict = handler
    ? evaluateProposal({ kind: proposal.kind, proposer: proposal.proposer, params: proposal.params }, deps.config.policy)
    : { outcome: 'refuse', reason: `no handler applies ${proposal.kind}` };
  let evaluation: Evaluation | null = null;
  if (verdict.outcome !== 'refuse' && evaluatorApplies(deps, proposal.proposer)) {
    evaluation = await askEvaluator(deps, { kind: proposal.kind, proposer: proposal.proposer, summary: proposal.summary, params: proposal.params, traceId: proposal.traceId, policy: verdict });
    const before = verdict.outcome;
    verdict = withEvaluation(verdict, evaluation, proposal.kind, deps.config.policy);
    await appendAudit(deps.db, { ...base, actor: evaluation.evaluator, channel: 'evaluator', action: 'proposal.evaluated', subjectType: 'action', subjectId: proposal.kind, data: { ...evaluation, policy: before, outcome: verdict.outcome } });
  }

  if (verdict.outcome === 'refuse') {
    await appendAudit(deps.db, { ...base, action: 'proposal.refused', subjectType: 'action', subjectId: proposal.kind, data: { reason: verdict.reason, params: proposal.params, evaluation } });
    return { outcome: 'refused', reason: verdict.reason };
  }
  if (verdict.outcome === 'apply') {
    // A retried proposal (same idempotency key) finds its job queued already.
    const key = proposal.idempotencyKey ?? `${proposal.traceId}:${payloadHash(proposal.params)}`;
    const applyJobId = allowedJobId(createHash('sha256').update(`${proposal.kind}\n${key}`).digest('hex').slice(0, 32));
    await appendAudit(deps.db, { ...base, action: 'proposal.allowed', subjectType: 'action', subjectId: proposal.kind, data: { params: proposal.params, applyJobId, evaluation } });
    await deps.queues.enqueue(approvalsQueue, 'apply-allowed', { traceId: proposal.traceId, kind: proposal.kind, params: proposal.params, requester }, { jobId: applyJobId });
    return { outcome: 'applied', applyJobId };
  }

  const telegramOn = deps.config.telegram.enabled;
  const channels = verdict.channels.filter((channel) => channel === 'console' || telegramOn);
  const deadlines = {
    expiresAt: expiresAt(verdict.priority, now, deps.config.approvals),
    escalateAt: escalateAt(verdict.priority, now, deps.config.approvals),
  };
  const created = await deps.db.transaction().execute(async (trx) => {
    const inserted = await insertRequest(trx, {
      id: randomUUID(),
      traceId: proposal.traceId,
      kind: proposal.kind,
      payload: proposal.params,
      payloadHash: payloadHash(proposal.params),
      summary: proposal.summary,
      requester,
      priority: verdict.priority,
      requiredChannels: channels,
      requireDistinctApprovers: channels.length > 1 && deps.config.approvals.requireDistinctApprovers,
      reasons: verdict.reasons,
      createdAt: now,
      expiresAt: deadlines.expiresAt,
      escalateAt: deadlines.escalateAt,
      idempotencyKey: proposal.idempotencyKey ?? null,
      requesterPerson: proposal.requesterPerson ?? requester,
      evaluation: evaluation ? { ...evaluation } : null,
    }, { renewAfterRefusal: handler?.renewAfterRefusal });
    if (inserted.created) {
      await appendAudit(trx, {
        ...base,
        action: 'approval.requested',
        subjectType: 'approval',
        subjectId: inserted.row.id,
        data: { kind: proposal.kind, priority: verdict.priority, channels, reasons: verdict.reasons, payloadHash: inserted.row.payload_hash, expiresAt: deadlines.expiresAt.toISOString() },
      });
    }
    return inserted;
  });
  if (created.created) await scheduleRequestJobs(deps, created.row.id, proposal.traceId, deadlines);
  return { outcome: 'approval_requested', request: toView(created.row, [], deps.config.approvals.dualChannelMinPriority), created: created.created };
}

/** The per-request jobs of a new pending request: expiry, escalation, the Telegram notice. */
export async function scheduleRequestJobs(deps: Deps, id: string, traceId: string, deadlines: { expiresAt: Date; escalateAt: Date }) {
  const now = deps.clock.now().getTime();
  const data = { requestId: id, traceId };
  await deps.queues.enqueue(approvalsQueue, 'expire', data, { jobId: approvalJobId('expire', id), delay: Math.max(0, deadlines.expiresAt.getTime() - now) });
  await deps.queues.enqueue(approvalsQueue, 'escalate', data, { jobId: approvalJobId('escalate', id), delay: Math.max(0, deadlines.escalateAt.getTime() - now) });
  if (deps.config.telegram.enabled) {
    await deps.queues.enqueue(telegramQueue, 'notify', { ...data, step: 'notify' }, { jobId: telegramJobId('notify', id) });
  }
}
