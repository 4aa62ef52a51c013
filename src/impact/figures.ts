/** Nearest-rank percentile of unsorted values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface DecisionGroup {
  channel: string;
  priority: string;
  count: number;
  medianMs: number | null;
  p90Ms: number | null;
  /** The median of the period before, of the same length; null when it had none. */
  previousMedianMs: number | null;
}

/** Time to decision by channel and priority, with the previous period's median for the trend. */
export function decisionGroups(now: readonly { channel: string; priority: string; ms: number }[], before: readonly { channel: string; priority: string; ms: number }[]): DecisionGroup[] {
  const group = (rows: typeof now) => {
    const out = new Map<string, number[]>();
    for (const r of rows) out.set(`${r.channel}\u0000${r.priority}`, [...(out.get(`${r.channel}\u0000${r.priority}`) ?? []), r.ms]);
    return out;
  };
  const current = group(now);
  const previous = group(before);
  return [...current.entries()]
    .map(([key, ms]) => {
      const [channel, priority] = key.split('\u0000') as [string, string];
      return { channel, priority, count: ms.length, medianMs: percentile(ms, 50), p90Ms: percentile(ms, 90), previousMedianMs: percentile(previous.get(key) ?? [], 50) };
    })
    .sort((a, b) => a.channel.localeCompare(b.channel) || a.priority.localeCompare(b.priority));
}

/** Share of decisions made on each channel. */
export function channelShares(rows: readonly { channel: string }[]): { channel: string; share: number; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.channel, (counts.get(r.channel) ?? 0) + 1);
  return [...counts].map(([channel, count]) => ({ channel, count, share: count / rows.length })).sort((a, b) => b.count - a.count);
}

/**
 * A finished campaign's efficiency: goodput = delivered ÷ time from launch to
 * finish, against the downstream's estimated capacity; time saved = the time the
 * same deliveries take at the configured fallback rate, less the time they took.
 */
export function campaignEfficiency(c: { delivered: number; sendingMs: number }, capacityPerSec: number | null, fallbackPerSec: number) {
  const goodputPerSec = c.sendingMs > 0 ? c.delivered / (c.sendingMs / 1000) : 0;
  const atFallbackSec = fallbackPerSec > 0 ? c.delivered / fallbackPerSec : 0;
  return {
    goodputPerSec,
    shareOfCapacity: capacityPerSec ? goodputPerSec / capacityPerSec : null,
    savedSec: atFallbackSec - c.sendingMs / 1000,
  };
}
