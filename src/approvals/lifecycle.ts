import { telegramJobId, telegramQueue } from '../../queues/telegram.js';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { expireOnKind } from '../policy/evaluate.js';
import { expire } from './decide.js';
import { afterFinal } from './record-decision.js';
import { enqueueWebhook, pendingWebhookEvents, recordOutcomeEvent } from './webhooks.js';
import { decisionState } from './state.js';
import { decisionsOf, escalationDueIds, finishRequest, lockRequest, markEscalated, overdueRequestIds } from './store.js';

/** Expires a request whose deadline has passed; resolved as its kind says (reject by default). */
export async function expireRequest(deps: Deps, id: string, by: 'deadline' | 'sweep'): Promise<boolean> {
  const now = deps.clock.now();
  const done = await deps.db.transaction().execute(async (trx) => {
    const row = await lockRequest(trx, id);
    if (!row || row.status !== 'pending' || new Date(row.expires_at) > now) return null;
    const step = expire(decisionState(row, await decisionsOf(trx, id)), now, expireOnKind(row.kind, deps.config.policy));
    if (step.state.status === 'pending') return null;
    await finishRequest(trx, id, step.state.status, `${step.state.resolution ?? 'expired'} (${by})`, now);
    await appendAudit(trx, {
      traceId: row.trace_id,
      actor: 'flywheel',
      channel: 'system',
      action: 'approval.expired',
      subjectType: 'approval',
      subjectId: id,
      data: { by, resolvedAs: step.state.status, expiresAt: new Date(row.expires_at).toISOString() },
      at: now,
    });
    await recordOutcomeEvent(trx, id, now);
    return { traceId: row.trace_id, status: step.state.status };
  });
  if (done) await afterFinal(deps, id, done.traceId, done.status);
  return done !== null;
}

/** Sends a request still pending at its escalation time to the escalation chats as well. */
export async function escalateRequest(deps: Deps, id: string): Promise<boolean> {
  const now = deps.clock.now();
  const row = await deps.db.selectFrom('approval_requests').select(['trace_id', 'escalate_at']).where('id', '=', id).executeTakeFirst();
  if (!row || new Date(row.escalate_at) > now) return false;
  if (!(await markEscalated(deps.db, id, now))) return false;
  await appendAudit(deps.db, { traceId: row.trace_id, actor: 'flywheel', channel: 'system', action: 'approval.escalated', subjectType: 'approval', subjectId: id, data: {}, at: now });
  if (deps.config.telegram.enabled) {
    await deps.queues.enqueue(telegramQueue, 'escalate', { requestId: id, traceId: row.trace_id, step: 'escalate' }, { jobId: telegramJobId('escalate', id) });
  }
  return true;
}

/** The hourly safety net: expires and escalates whatever the per-request jobs missed. */
export async function sweep(deps: Deps): Promise<{ expired: number; escalated: number }> {
  const now = deps.clock.now();
  let expired = 0;
  for (const id of await overdueRequestIds(deps.db, now)) if (await expireRequest(deps, id, 'sweep')) expired++;
  let escalated = 0;
  for (const id of await escalationDueIds(deps.db, now)) if (await escalateRequest(deps, id)) escalated++;
  // Webhook events whose job was lost (a crash between commit and enqueue); an existing job id is left as is.
  for (const event of await pendingWebhookEvents(deps)) await enqueueWebhook(deps, event.eventId, event.traceId);
  return { expired, escalated };
}
