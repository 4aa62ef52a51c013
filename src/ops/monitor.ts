import type { IntervalHistogram } from 'node:perf_hooks';
import type { Deps } from '../deps.js';
import { type CampaignMetrics, measureCampaigns } from './campaign-metrics.js';
import type { ScalingReport } from './scaling/scaling-report.js';
import { scaleFleet } from './scaling/scale-fleet.js';
import { type SystemSnapshot, takeSnapshot } from './snapshot.js';
import { recentSnapshots, saveSnapshot } from './store.js';

/** A downstream's capacity (messages/s), merged from its campaigns' windows. */
export interface CapacityEstimate {
  perSec: number;
  /** When a downstream-limited window measured it (observed), or when it was last raised (estimated). */
  measuredAt: string;
  campaignId: string;
  /** Absent in snapshots from before the estimator: read as observed. */
  kind?: 'observed' | 'estimated';
  confidence?: number;
}

/**
 * Merges one campaign's view into a downstream's estimate: a newer observation
 * replaces it; an estimate (app-limited windows) only ever raises it.
 */
export function mergeCapacity(known: CapacityEstimate | undefined, fresh: CapacityEstimate): CapacityEstimate {
  if (!known) return fresh;
  const knownObserved = (known.kind ?? 'observed') === 'observed';
  if (fresh.kind === 'observed') return !knownObserved || fresh.measuredAt >= known.measuredAt ? fresh : known;
  return fresh.perSec > known.perSec ? { ...known, perSec: fresh.perSec, campaignId: fresh.campaignId } : known;
}

/** What one monitor tick stores in ops_snapshots. */
export interface OpsSnapshot extends SystemSnapshot {
  campaigns: Record<string, CampaignMetrics>;
  /** By downstream host; carried forward from earlier snapshots until re-measured. */
  capacity: Record<string, CapacityEstimate>;
  scaling: ScalingReport;
}

/**
 * The Ops agent's monitoring tick: measure queues, round trips, event-loop lag and
 * every running campaign since the last tick, update capacity estimates, recommend
 * the worker pool, and store it all as one snapshot.
 */
export async function monitorTick(deps: Deps, traceId: string, eventLoop: IntervalHistogram): Promise<{ id: string; snapshot: OpsSnapshot }> {
  const system = await takeSnapshot(deps, eventLoop);
  const [previousRow] = await recentSnapshots(deps.db, 1);
  const previous = previousRow ? (previousRow.data as unknown as Partial<OpsSnapshot> & SystemSnapshot) : null;
  const at = new Date(system.at);
  const sinceMs = previous ? new Date(previous.at).getTime() : at.getTime() - deps.config.ops.monitor.everySec * 1000;
  const campaigns = await measureCampaigns(deps, sinceMs, at.getTime());
  const capacity: Record<string, CapacityEstimate> = { ...previous?.capacity };
  for (const [campaignId, metrics] of Object.entries(campaigns)) {
    if (metrics.capacityPerSec === null) continue;
    const observed = metrics.capacityKind === 'observed';
    capacity[metrics.downstream] = mergeCapacity(capacity[metrics.downstream], {
      perSec: metrics.capacityPerSec,
      measuredAt: observed && metrics.capacityObservedAt ? metrics.capacityObservedAt : system.at,
      campaignId,
      kind: observed ? 'observed' : 'estimated',
      confidence: metrics.capacityConfidence ?? 0,
    });
  }
  const scaling = await scaleFleet(deps, { at, queues: system.queues }, previous ? { at: new Date(previous.at), queues: previous.queues } : null, traceId);
  const snapshot: OpsSnapshot = { ...system, campaigns, capacity, scaling };
  const row = await saveSnapshot(deps.db, traceId, snapshot, at);
  return { id: String(row.id), snapshot };
}
