import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { cancel } from './decide.js';
import { ApprovalNotFoundError } from './errors.js';
import { afterFinal } from './record-decision.js';
import { decisionState } from './state.js';
import { decisionsOf, finishRequest, lockRequest } from './store.js';
import { recordOutcomeEvent } from './webhooks.js';

/** Withdraws a pending request (its requester no longer needs it); false when it was final already. */
export async function cancelRequest(deps: Deps, id: string, actor: string, reason: string): Promise<boolean> {
  const now = deps.clock.now();
  const done = await deps.db.transaction().execute(async (trx) => {
    const row = await lockRequest(trx, id);
    if (!row) throw new ApprovalNotFoundError(id);
    const step = cancel(decisionState(row, await decisionsOf(trx, id)), now, `cancelled by ${actor}${reason ? `: ${reason}` : ''}`);
    if (step.result !== 'cancelled') return null;
    await finishRequest(trx, id, 'cancelled', step.state.resolution ?? 'cancelled', now);
    await appendAudit(trx, { traceId: row.trace_id, actor, channel: 'api', action: 'approval.cancelled', subjectType: 'approval', subjectId: id, data: { reason }, at: now });
    await recordOutcomeEvent(trx, id, now);
    return row.trace_id;
  });
  if (done) await afterFinal(deps, id, done, 'cancelled');
  return done !== null;
}
