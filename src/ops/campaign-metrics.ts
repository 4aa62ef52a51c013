import { downstreamOf } from '../campaign-runtime/keys.js';
import { getCampaign } from '../campaigns/store.js';
import type { Deps } from '../deps.js';
import { confidenceOf } from './capacity-estimator.js';
import type { CampaignControl } from './control-state.js';
import { computeWindowStats } from './window-stats.js';

/** One running campaign over the monitor's last interval. */
export interface CampaignMetrics {
  name: string;
  status: string;
  /** The channel's host: campaigns sharing a downstream are compared by it. */
  downstream: string;
  requests: number;
  throughputPerSec: number;
  goodputPerSec: number;
  errorRate: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  /** The limits the controller published last, and why. */
  limit: number | null;
  ratePerSec: number | null;
  batchSize: number | null;
  reason: string | null;
  /** What the downstream takes, messages/s, as this campaign's windows showed it (capacity-estimator.ts). */
  capacityPerSec: number | null;
  /** Measured by downstream-limited windows (`observed`), or only a lower bound seen while the campaign was the limit (`estimated`). */
  capacityKind?: 'observed' | 'estimated';
  capacityConfidence?: number;
  /** When a downstream-limited window last measured it, ISO-8601. */
  capacityObservedAt?: string | null;
  /** How the last control window was marked (downstream_limited, app_limited, empty) and why. */
  window?: { kind: string; why: string } | null;
}


/** Latency percentiles, error rate and throughput per running campaign since `sinceMs`. */
export async function measureCampaigns(deps: Deps, sinceMs: number, nowMs: number): Promise<Record<string, CampaignMetrics>> {
  const out: Record<string, CampaignMetrics> = {};
  for (const id of await deps.runtime.runningIds()) {
    const campaign = await getCampaign(deps.db, id);
    if (!campaign) continue;
    const samples = await deps.runtime.readSamples(id, sinceMs);
    const stats = computeWindowStats(samples, { endAt: nowMs, durationMs: Math.max(1, nowMs - sinceMs) });
    const control = await deps.runtime.loadControl<CampaignControl>(id);
    out[id] = {
      name: campaign.name,
      status: campaign.status,
      downstream: downstreamOf(campaign.channel.url),
      requests: stats.count,
      throughputPerSec: stats.throughputPerSec,
      goodputPerSec: stats.goodputPerSec,
      errorRate: stats.errorRate,
      p50LatencyMs: stats.p50LatencyMs,
      p95LatencyMs: stats.p95LatencyMs,
      p99LatencyMs: stats.p99LatencyMs,
      limit: control?.lastDecision?.limit ?? null,
      ratePerSec: control?.lastDecision?.ratePerSec ?? null,
      batchSize: control?.lastDecision?.batchSize ?? null,
      reason: control?.lastDecision?.detail ?? null,
      capacityPerSec: control?.capacity?.perSec ?? null,
      capacityKind: control?.capacity?.observed ? 'observed' : 'estimated',
      capacityConfidence: control?.capacity ? confidenceOf(control.capacity) : 0,
      capacityObservedAt: control?.capacity?.observedAt ? new Date(control.capacity.observedAt).toISOString() : null,
      window: control?.lastWindow ?? null,
    };
  }
  return out;
}
