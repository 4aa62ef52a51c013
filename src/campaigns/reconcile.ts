import type { Deps } from '../deps.js';
import { saveCap } from '../ops/control-state.js';
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
  for (const paused of await deps.db.selectFrom('campaigns').select(['id', 'limits_cap']).where('status', '=', 'paused').execute()) {
    await limiter.pause(campaignKey(paused.id));
    await saveCap(deps.redis, deps.queues.prefix, paused.id, paused.limits_cap);
  }
  const ids = await runningCampaignIds(deps.db);
  for (const id of ids) {
    await deps.redis.sadd(runningSetKey(deps), id);
    await limiter.resume(campaignKey(id));
    const row = await deps.db.selectFrom('campaigns').select('limits_cap').where('id', '=', id).executeTakeFirstOrThrow();
    await saveCap(deps.redis, deps.queues.prefix, id, row.limits_cap);
    const current = await limiter.getLimits(campaignKey(id));
    if (current.concurrency === undefined && current.ratePerSec === undefined) await limiter.setLimits(campaignKey(id), { ...row.limits_cap });
    if (await completeIfDone(deps, id, traceId)) {
      completed++;
      continue;
    }
    batchesEnqueued += await enqueueOutstanding(deps, id, traceId);
  }
  return { campaigns: ids.length, batchesEnqueued, completed };
}
