import type { Sample } from '../../campaign-runtime/samples.js';
import { nearestRankPercentile } from '../../ops/window-stats.js';
import type { Series } from '../charts.js';

/** Send rate and p95 latency per bucket, from a campaign's recent delivery samples. */
export function campaignSeries(samples: readonly Sample[], bucketMs: number): { rate: Series[]; latency: Series[] } {
  const buckets = new Map<number, Sample[]>();
  for (const s of samples) {
    const at = Math.floor(s.at / bucketMs) * bucketMs;
    const list = buckets.get(at) ?? [];
    list.push(s);
    buckets.set(at, list);
  }
  const ordered = [...buckets.entries()].sort(([a], [b]) => a - b);
  const perSec = (n: number) => n / (bucketMs / 1000);
  return {
    rate: [
      { label: 'delivered/s', color: '#2f6fdf', points: ordered.map(([t, list]) => ({ t, v: perSec(list.filter((s) => s.ok).length) })) },
      { label: 'failed/s', color: '#d9534f', points: ordered.map(([t, list]) => ({ t, v: perSec(list.filter((s) => !s.ok).length) })) },
    ],
    latency: [
      {
        label: 'p95 ms',
        color: '#8a4fd8',
        points: ordered.map(([t, list]) => ({ t, v: nearestRankPercentile(list.map((s) => s.latencyMs).sort((a, b) => a - b), 95) ?? 0 })),
      },
    ],
  };
}
