import type { Deps } from '../deps.js';
import { completeIfDone } from './complete.js';
import { enqueueOutstanding } from './launch.js';
import { enqueueMaterialise } from './materialise.js';
import { runningCampaignIds } from './store.js';

/**
 * Postgres is the truth: for every running campaign, re-enqueue batches that
 * have outstanding deliveries but no job in Redis (after a restart without
 * persistence or a FLUSHALL), and rebuild the runtime state Ops relies on.
 */
export async function reconcile(deps: Deps, traceId: string): Promise<{ campaigns: number; batchesEnqueued: number; completed: number }> {
  let batchesEnqueued = 0;
  let completed = 0;
  // Limits restored, the pause flag set or lifted (a lost resume), each under the campaign's row lock.
  for (const paused of await deps.db.selectFrom('campaigns').select('id').where('status', '=', 'paused').execute()) await deps.runtime.sync(paused.id);
  const ids = await runningCampaignIds(deps.db);
  for (const id of ids) {
    await deps.runtime.sync(id);
    // A launch whose materialisation was lost (Redis flushed, the job failed for good) resumes at its cursor.
    const row = await deps.db.selectFrom('campaigns').select('materialised_at').where('id', '=', id).executeTakeFirstOrThrow();
    if (!row.materialised_at) await enqueueMaterialise(deps, id, traceId);
    if (await completeIfDone(deps, id, traceId)) {
      completed++;
      continue;
    }
    batchesEnqueued += await enqueueOutstanding(deps, id, traceId);
  }
  return { campaigns: ids.length, batchesEnqueued, completed };
}
