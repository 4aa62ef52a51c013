import type { Deps } from '../deps.js';
import { campaignKey, FleetLimiter } from '../ops/limiter/fleet-limiter.js';
import { completeIfDone } from './complete.js';
import { enqueueOutstanding, runningSetKey } from './launch.js';
import { runningCampaignIds } from './store.js';

/**
 * Postgres is the truth: for every running campaign, re-enqueue batches that
 * have outstanding deliveries but no job in Redis (after a restart without
 * persistence or a FLUSHALL), and rebuild the Redis state Ops relies on.
 */
export async function reconcile(deps: Deps, traceId: string): Promise<{ campaigns: number; batchesEnqueued: number; completed: number }> {
  const limiter = new FleetLimiter(deps.redis, deps.queues.prefix);
  let batchesEnqueued = 0;
  let completed = 0;
  const ids = await runningCampaignIds(deps.db);
  for (const id of ids) {
    await deps.redis.sadd(runningSetKey(deps), id);
    await limiter.resume(campaignKey(id));
    if (await completeIfDone(deps, id, traceId)) {
      completed++;
      continue;
    }
    batchesEnqueued += await enqueueOutstanding(deps, id, traceId);
  }
  return { campaigns: ids.length, batchesEnqueued, completed };
}
