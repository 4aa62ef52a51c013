import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { deliveryCounts, transition } from './store.js';

/** Completes a running campaign once nothing is left to deliver (dead letters count as done). */
export async function completeIfDone(deps: Deps, campaignId: string, traceId: string): Promise<boolean> {
  // Still writing its recipients: more deliveries are coming.
  const materialised = await deps.db.selectFrom('campaigns').select('materialised_at').where('id', '=', campaignId).executeTakeFirst();
  if (!materialised?.materialised_at) return false;
  const counts = await deliveryCounts(deps.db, campaignId);
  if (counts.pending + counts.retry > 0) return false;
  const now = deps.clock.now();
  const done = await deps.db.transaction().execute(async (trx) => {
    if (!(await transition(trx, campaignId, ['running'], 'completed', now, { finished_at: now }))) return false;
    await appendAudit(trx, { traceId, actor: 'flywheel', channel: 'system', action: 'campaign.completed', subjectType: 'campaign', subjectId: campaignId, data: counts, at: now });
    return true;
  });
  if (done) await deps.runtime.markStopped(campaignId);
  return done;
}
