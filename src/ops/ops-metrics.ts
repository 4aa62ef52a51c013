import type { Deps } from '../deps.js';
import { type BatchRecommendation, recommendBatchSize } from './controller/recommend-batch-size.js';
import type { OpsSnapshot } from './monitor.js';
import { loadScalingReport } from './scaling/scaling-store.js';
import type { ScalingReport } from './scaling/scaling-report.js';
import { recentSnapshots } from './store.js';

export interface OpsMetrics {
  current: (OpsSnapshot & { id: string }) | null;
  /** Oldest first, one point per monitor tick. */
  history: {
    at: string;
    backlog: number;
    oldestWaitingAgeMs: number | null;
    redisRttMs: number;
    postgresRttMs: number;
    eventLoopLagP99Ms: number;
    deliveriesPerSec: number;
    desiredWorkers: number | null;
  }[];
  recommendations: {
    scaling: ScalingReport | null;
    /** Live limits per running campaign, as the controller last set them. */
    campaigns: { campaignId: string; name: string; limit: number | null; ratePerSec: number | null; batchSize: number | null; reason: string | null }[];
    /** Before launch: batch size and rate for a campaign to each known downstream, and for an unmeasured one. */
    launch: { downstream: string | null; capacityPerSec: number | null; recommendation: BatchRecommendation }[];
  };
}

/** Current values, recent history and recommendations, from the monitor's snapshots. */
export async function opsMetrics(deps: Deps, historyLimit: number): Promise<OpsMetrics> {
  const rows = await recentSnapshots(deps.db, historyLimit);
  const snapshots = rows.map((row) => ({ id: String(row.id), ...(row.data as unknown as OpsSnapshot) }));
  const current = snapshots[0] ?? null;
  const history = snapshots.reverse().map((s) => {
    const queues = Object.values(s.queues ?? {});
    return {
      at: s.at,
      backlog: queues.reduce((sum, q) => sum + q.backlog, 0),
      oldestWaitingAgeMs: queues.reduce<number | null>((max, q) => (q.oldestWaitingAgeMs === null ? max : Math.max(max ?? 0, q.oldestWaitingAgeMs)), null),
      redisRttMs: s.redisRttMs,
      postgresRttMs: s.postgresRttMs,
      eventLoopLagP99Ms: s.eventLoopLagMs.p99,
      deliveriesPerSec: Object.values(s.campaigns ?? {}).reduce((sum, c) => sum + c.throughputPerSec, 0),
      desiredWorkers: s.scaling?.processes.worker?.desiredWorkers ?? null,
    };
  });
  const campaigns = Object.entries(current?.campaigns ?? {}).map(([campaignId, c]) => ({
    campaignId,
    name: c.name,
    limit: c.limit,
    ratePerSec: c.ratePerSec,
    batchSize: c.batchSize,
    reason: c.reason,
  }));
  const launch = [
    ...Object.entries(current?.capacity ?? {}).map(([downstream, estimate]) => ({
      downstream,
      capacityPerSec: estimate.perSec,
      recommendation: recommendBatchSize(estimate.perSec),
    })),
    { downstream: null, capacityPerSec: null, recommendation: recommendBatchSize(null) },
  ];
  return { current, history, recommendations: { scaling: await loadScalingReport(deps.redis, deps.queues.prefix), campaigns, launch } };
}
