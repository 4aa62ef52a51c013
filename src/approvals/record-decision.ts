import { approvalJobId, approvalsQueue } from '../../queues/approvals.js';
import { telegramJobId, telegramQueue } from '../../queues/telegram.js';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { approverRolesFor, expireOnKind } from '../policy/evaluate.js';
import { applyDecision, REFUSAL_MESSAGES } from './decide.js';
import { externalApproverRoles } from './external-policy.js';
import { ApprovalNotFoundError } from './errors.js';
import { decisionState } from './state.js';
import { decisionsOf, finishRequest, insertDecision, lockRequest } from './store.js';
import type { Channel } from '../vocabulary/channels.js';
import { type ApprovalView, toView } from './view.js';
import { announceFinal } from './wait.js';
import { enqueueWebhook, recordOutcomeEvent } from './webhooks.js';

export interface DecisionInput {
  channel: Channel;
  actor: string;
  /** The person behind the actor (four eyes by identity). @defaultValue actor */
  actorPerson?: string;
  actorRoles: readonly string[];
  decision: 'approve' | 'reject';
  reason: string;
  /** The payload hash the approver was shown: a decision binds to exactly that. */
  payloadHash: string;
  traceId?: string;
}

export interface RecordedOutcome {
  refusal?: string;
  result: 'recorded' | 'decided' | 'already_decided' | 'duplicate' | 'refused' | 'expired';
  message: string;
  status: string;
  request: ApprovalView;
}

const MESSAGES: Record<RecordedOutcome['result'], string> = {
  recorded: 'decision recorded; waiting for the other channel',
  decided: 'decision recorded; the request is decided',
  already_decided: 'already decided: nothing changed',
  duplicate: 'this channel already decided: nothing changed',
  refused: 'decision refused',
  expired: 'the request has expired',
};

/**
 * Records one decision under a row lock, so decisions racing on two channels
 * are applied one after the other and yield exactly one outcome.
 */
export async function recordDecision(deps: Deps, id: string, input: DecisionInput): Promise<RecordedOutcome> {
  const now = deps.clock.now();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const row = await lockRequest(trx, id);
    if (!row) throw new ApprovalNotFoundError(id);
    const decisions = await decisionsOf(trx, id);
    const before = decisionState(row, decisions);
    const step = applyDecision(before, { ...input, now }, {
      approverRoles: row.source === 'external' ? externalApproverRoles(row.kind, deps.config.policy) : approverRolesFor(row.kind, deps.config.policy),
      dualChannelMinPriority: deps.config.approvals.dualChannelMinPriority,
      onExpiry: expireOnKind(row.kind, deps.config.policy),
    });
    const audit = { traceId: row.trace_id, actor: input.actor, channel: input.channel, at: now, subjectType: 'approval', subjectId: id };
    if (step.result === 'recorded' || step.result === 'decided') {
      await insertDecision(trx, { requestId: id, channel: input.channel, actor: input.actor, actorPerson: input.actorPerson ?? input.actor, decision: input.decision, reason: input.reason, payloadHash: input.payloadHash, at: now });
      await appendAudit(trx, { ...audit, action: 'approval.decision', data: { decision: input.decision, reason: input.reason, payloadHash: input.payloadHash, result: step.result, person: input.actorPerson ?? input.actor } });
    } else {
      await appendAudit(trx, { ...audit, action: 'approval.decision_not_applied', data: { decision: input.decision, result: step.result, reason: step.reason ?? null, person: input.actorPerson ?? input.actor } });
    }
    const finalStatus = step.state.status;
    if (row.status === 'pending' && finalStatus !== 'pending') {
      const resolution = step.state.resolution ?? finalStatus;
      await finishRequest(trx, id, finalStatus, resolution, now);
      await appendAudit(trx, { ...audit, action: `approval.${finalStatus}`, data: { resolution } });
      await recordOutcomeEvent(trx, id, now);
    }
    const after = (await lockRequest(trx, id))!;
    return { step, row: after, decisions: await decisionsOf(trx, id), finished: row.status === 'pending' && finalStatus !== 'pending' };
  });
  if (outcome.finished) await afterFinal(deps, id, outcome.row.trace_id, outcome.row.status);
  const message = outcome.step.reason ? `${MESSAGES.refused}: ${REFUSAL_MESSAGES[outcome.step.reason]}` : MESSAGES[outcome.step.result];
  return { result: outcome.step.result, refusal: outcome.step.reason, message, status: outcome.row.status, request: toView(outcome.row, outcome.decisions, deps.config.approvals.dualChannelMinPriority) };
}

/**
 * Once final (after commit): wake long polls, send the outcome webhook, close the
 * Telegram messages, then run the action or tell the requester. An external
 * request has no action in Flywheel: its requester hears through the webhook or polling.
 */
export async function afterFinal(deps: Deps, id: string, traceId: string, status: string) {
  const data = { requestId: id, traceId };
  await announceFinal(deps, id);
  const row = await deps.db.selectFrom('approval_requests').select(['source', 'required_channels']).where('id', '=', id).executeTakeFirst();
  for (const eventId of await pendingEventsOf(deps, id)) await enqueueWebhook(deps, eventId, traceId);
  if (deps.config.telegram.enabled && row?.required_channels.includes('telegram')) {
    await deps.queues.enqueue(telegramQueue, 'close', { ...data, step: 'close' }, { jobId: telegramJobId('close', id) });
  }
  if (row?.source === 'external') return;
  const step = status === 'approved' ? 'apply' : 'resolved';
  await deps.queues.enqueue(approvalsQueue, step, data, { jobId: approvalJobId(step, id) });
}

async function pendingEventsOf(deps: Deps, id: string): Promise<string[]> {
  const rows = await deps.db.selectFrom('approval_webhooks').select('event_id').where('request_id', '=', id).where('status', '=', 'pending').execute();
  return rows.map((r) => r.event_id);
}
