import { approvalJobId, approvalsQueue } from '../../queues/approvals.js';
import { telegramJobId, telegramQueue } from '../../queues/telegram.js';
import { type AuditInput, appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { approverRolesFor, expireOnKind } from '../policy/evaluate.js';
import { applyDecision, REFUSAL_MESSAGES } from './decide.js';
import { externalApproverRoles } from './external-policy.js';
import { ApprovalNotFoundError } from './errors.js';
import { decisionState } from './state.js';
import { decisionsOf, finishRequest, insertDecision, lockRequest, type RequestRow } from './store.js';
import type { Channel } from '../vocabulary/channels.js';
import { type ApprovalView, toView } from './view.js';
import { removeTimers } from './timers.js';
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
 * are applied one after the other and yield exactly one outcome. Every row is
 * read once and written once (returning what it became): a decision is on the
 * path of each webhook and long poll, and each statement is a round trip.
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
    const person = input.actorPerson ?? input.actor;
    const entries: AuditInput[] = [];
    let afterDecisions = decisions;
    const recorded = step.result === 'recorded' || step.result === 'decided';
    if (recorded) {
      const inserted = await insertDecision(trx, { requestId: id, channel: input.channel, actor: input.actor, actorPerson: person, decision: input.decision, reason: input.reason, payloadHash: input.payloadHash, at: now });
      afterDecisions = [...decisions, inserted];
      entries.push({ ...audit, action: 'approval.decision', data: { decision: input.decision, reason: input.reason, payloadHash: input.payloadHash, result: step.result, person } });
    } else {
      entries.push({ ...audit, action: 'approval.decision_not_applied', data: { decision: input.decision, result: step.result, reason: step.reason ?? null, person } });
    }
    const finalStatus = step.state.status;
    const finished = row.status === 'pending' && finalStatus !== 'pending';
    let eventId: string | null = null;
    let after = row;
    if (finished) {
      const resolution = step.state.resolution ?? finalStatus;
      after = (await finishRequest(trx, id, finalStatus, resolution, now)) ?? row;
      entries.push({ ...audit, action: `approval.${finalStatus}`, data: { resolution } });
      eventId = await recordOutcomeEvent(trx, id, now, { row: after, decisions: afterDecisions });
    }
    await appendAudit(trx, entries);
    return { step, row: after, decisions: afterDecisions, finished, eventId };
  });
  if (outcome.finished) {
    await afterFinal(deps, id, outcome.row.trace_id, outcome.row.status, { row: outcome.row, eventIds: outcome.eventId ? [outcome.eventId] : [] });
  }
  const message = outcome.step.reason ? `${MESSAGES.refused}: ${REFUSAL_MESSAGES[outcome.step.reason]}` : MESSAGES[outcome.step.result];
  return { result: outcome.step.result, refusal: outcome.step.reason, message, status: outcome.row.status, request: toView(outcome.row, outcome.decisions, deps.config.approvals.dualChannelMinPriority) };
}

/**
 * Once final (after commit): send the outcome webhook, wake long polls and remove
 * the request's expiry and escalation timers, close the Telegram messages, then
 * run the action or tell the requester. An external request has no action in
 * Flywheel: its requester hears through the webhook or polling. `known` is what the finishing transaction already read (the row and
 * the outcome event it stored), so nothing is read again.
 */
export async function afterFinal(deps: Deps, id: string, traceId: string, status: string, known?: { row: Pick<RequestRow, 'source' | 'required_channels'>; eventIds: string[] }) {
  const data = { requestId: id, traceId };
  const row = known?.row ?? (await deps.db.selectFrom('approval_requests').select(['source', 'required_channels']).where('id', '=', id).executeTakeFirst());
  const eventIds = known?.eventIds ?? (await pendingEventsOf(deps, id));
  await Promise.all([announceFinal(deps, id), removeTimers(deps, id), ...eventIds.map((eventId) => enqueueWebhook(deps, eventId, traceId))]);
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
