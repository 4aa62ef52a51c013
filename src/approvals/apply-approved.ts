import { telegramJobId, telegramQueue } from '../../queues/telegram.js';
import { appendAudit } from '../audit/store.js';
import type { Deps, ResolvedOutcome } from '../deps.js';
import { ApprovalNotFoundError } from './errors.js';
import { decisionsOf, lockRequest, type RequestRow } from './store.js';
import { checkApprovalForAction } from './use-approval.js';

export type ApplyOutcome =
  | { applied: true; result: Record<string, unknown> }
  | { applied: false; reason: string };

/**
 * Uses an approval exactly once: the action's parameters as they are now must
 * hash to what was approved (an edit after approval voids it), and the approval
 * must not have been used. If applying fails, the use is released so a retry can
 * take it again.
 */
export async function applyApproved(deps: Deps, id: string, actor = 'flywheel'): Promise<ApplyOutcome> {
  const now = deps.clock.now();
  const claimed = await deps.db.transaction().execute(async (trx) => {
    const row = await lockRequest(trx, id);
    if (!row) throw new ApprovalNotFoundError(id);
    const handler = deps.actions.get(row.kind);
    const audit = { traceId: row.trace_id, actor, channel: 'system', subjectType: 'approval', subjectId: id, at: now };
    if (!handler) {
      await appendAudit(trx, { ...audit, action: 'approval.use_refused', data: { reason: 'no_handler' } });
      return { ok: false as const, reason: `no handler applies ${row.kind}` };
    }
    // Read through this transaction: embedded PGlite has one connection, which the transaction holds.
    const params = handler.currentParams ? await handler.currentParams({ ...deps, db: trx }, row.payload) : row.payload;
    const check = checkApprovalForAction({ status: row.status, payloadHash: row.payload_hash }, params, { usedAt: row.used_at });
    if (!check.ok) {
      await appendAudit(trx, { ...audit, action: 'approval.use_refused', data: { reason: check.reason, detail: check.detail } });
      if (check.reason === 'payload_changed') {
        await trx
          .updateTable('approval_requests')
          .set({ use_refused: check.reason, resolution: `${row.resolution ?? 'approved'}; not applied: ${check.detail}` })
          .where('id', '=', id)
          .execute();
      }
      return { ok: false as const, reason: check.reason };
    }
    await trx.updateTable('approval_requests').set({ used_at: now }).where('id', '=', id).execute();
    const approvals = (await decisionsOf(trx, id)).filter((d) => d.decision === 'approve');
    const approvers = approvals.map((d) => `${d.channel}:${d.actor}`);
    return { ok: true as const, row, handler, params, approvers, approvedBy: [...new Set(approvals.map((d) => d.actor))] };
  });
  if (!claimed.ok) {
    if (claimed.reason === 'payload_changed') await notifyVoided(deps, id);
    return { applied: false, reason: claimed.reason };
  }
  const { row, handler, params, approvers, approvedBy } = claimed;
  let result: Record<string, unknown>;
  try {
    result = await handler.apply(deps, params, { traceId: row.trace_id, approvalId: id, actor: row.requester, approvedBy });
  } catch (error) {
    // Not applied: release the use so the job's retry can take it.
    await deps.db.updateTable('approval_requests').set({ used_at: null }).where('id', '=', id).execute();
    throw error;
  }
  await appendAudit(deps.db, {
    traceId: row.trace_id,
    actor: row.requester,
    channel: 'system',
    action: 'action.applied',
    subjectType: 'action',
    subjectId: row.kind,
    data: { approval: id, approvers, params, result: JSON.parse(JSON.stringify(result)) as unknown },
    at: deps.clock.now(),
  });
  return { applied: true, result };
}

/**
 * An approval refused at use because the parameters changed: the requester's
 * handler puts its subject back (a campaign to draft), and the approvers hear
 * of it in Telegram; the dashboard shows it on the request.
 */
async function notifyVoided(deps: Deps, id: string): Promise<void> {
  const row = await deps.db.selectFrom('approval_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  await tellRequester(deps, row, 'payload_changed');
  if (deps.config.telegram.enabled) {
    await deps.queues.enqueue(telegramQueue, 'voided', { requestId: id, traceId: row.trace_id, step: 'voided' }, { jobId: telegramJobId('voided', id) });
  }
}

/** Tells the requester's handler that a request ended without approval. */
export async function notifyResolved(deps: Deps, id: string): Promise<void> {
  const row = await deps.db.selectFrom('approval_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.status === 'pending' || row.status === 'approved') return;
  await tellRequester(deps, row, row.status);
}

/** The requester's handler hears how its request ended, and the audit trail records that it was told. */
async function tellRequester(deps: Deps, row: RequestRow, outcome: ResolvedOutcome): Promise<void> {
  await deps.actions.get(row.kind)?.onResolved?.(deps, row.payload, outcome, { traceId: row.trace_id, approvalId: row.id, actor: row.requester });
  await appendAudit(deps.db, {
    traceId: row.trace_id,
    actor: 'flywheel',
    channel: 'system',
    action: 'approval.requester_notified',
    subjectType: 'approval',
    subjectId: row.id,
    data: { requester: row.requester, outcome },
    at: deps.clock.now(),
  });
}
