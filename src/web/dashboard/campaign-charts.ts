import type { Series, Marker } from '../line-chart.js';

export interface DeliveryBucket {
  t: number;
  delivered: number;
  dead: number;
  p95LatencyMs: number | null;
}

/**
 * Send rate and p95 latency per bucket over the whole range: a bucket in which
 * nothing finished is a gap, so a pause shows as a pause and not as a ramp.
 */
export function campaignSeries(buckets: readonly DeliveryBucket[], range: { from: number; to: number; bucketMs: number }): { rate: Series[]; latency: Series[] } {
  const byT = new Map(buckets.map((b) => [b.t, b]));
  const first = Math.floor(range.from / range.bucketMs) * range.bucketMs;
  const times: number[] = [];
  for (let t = first; t < range.to; t += range.bucketMs) times.push(t);
  const perSec = (n: number) => n / (range.bucketMs / 1000);
  // A bucket's point sits at its middle, the time its rate is an average over.
  const mid = (t: number) => Math.min(range.to, t + range.bucketMs / 2);
  const point = (t: number, pick: (b: DeliveryBucket) => number | null) => {
    const b = byT.get(t);
    return { t: mid(t), v: b ? pick(b) : null };
  };
  return {
    rate: [
      { label: 'delivered/s', color: '#2f6fdf', points: times.map((t) => point(t, (b) => perSec(b.delivered))) },
      { label: 'given up/s', color: '#d9534f', points: times.map((t) => point(t, (b) => perSec(b.dead))) },
    ],
    latency: [{ label: 'p95 of delivered', color: '#8a4fd8', points: times.map((t) => point(t, (b) => b.p95LatencyMs)) }],
  };
}

/** The campaign's own audit events, as chart markers. */
export function eventMarkers(events: readonly { at: string; action: string; actor: string; data: Record<string, unknown> }[]): Marker[] {
  const out: Marker[] = [];
  for (const e of events) {
    const t = Date.parse(e.at);
    const why = typeof e.data.reason === 'string' ? `: ${e.data.reason}` : '';
    if (e.action === 'campaign.paused') out.push({ t, kind: 'pause', label: `paused by ${e.actor}${why}` });
    else if (e.action === 'campaign.resumed') out.push({ t, kind: 'resume', label: `resumed by ${e.actor}` });
  }
  return out;
}

/**
 * Markers from the Ops agent's snapshots: every change of the controller's limit,
 * and every drop of the capacity estimate by a quarter or more.
 */
export function controlMarkers(snapshots: readonly { at: number; limit: number | null; capacityPerSec: number | null }[]): Marker[] {
  const out: Marker[] = [];
  let limit: number | null = null;
  let capacity: number | null = null;
  for (const s of snapshots) {
    if (s.limit !== null && limit !== null && s.limit !== limit) out.push({ t: s.at, kind: 'limit', label: `limit ${limit} → ${s.limit} in flight` });
    if (s.capacityPerSec !== null && capacity !== null && s.capacityPerSec <= capacity * 0.75) {
      out.push({ t: s.at, kind: 'capacity', label: `estimated capacity ${capacity.toFixed(1)}/s → ${s.capacityPerSec.toFixed(1)}/s` });
    }
    if (s.limit !== null) limit = s.limit;
    if (s.capacityPerSec !== null) capacity = s.capacityPerSec;
  }
  return out;
}
