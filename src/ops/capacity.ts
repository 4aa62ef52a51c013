import type { Kysely } from 'kysely';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/schema.js';
import type { OpsSnapshot } from './monitor.js';

export interface CapacityEstimate {
  /** Sends per second the downstream sustains within the SLO. */
  capacityPerSec: number;
  /** Share of capacity always kept free, in [0, 1). */
  headroom: number;
  /** Sends per second running campaigns already send to it. */
  currentLoadPerSec: number;
  /** `snapshot`: measured by the Ops agent; `config`: no fresh measurement, the configured fallback. */
  source: 'snapshot' | 'config';
  /** When the capacity was measured, ISO-8601; null for the fallback. */
  measuredAt: string | null;
  /** `observed`: measured while the downstream was the limit; `estimated`: a lower bound, or the fallback. */
  kind: 'observed' | 'estimated';
  /** In [0, 1]; 0 for an estimate or the fallback. */
  confidence: number;
  /** Seconds since it was measured; null for the fallback. */
  ageSec: number | null;
  reason: string;
}

/**
 * The capacity estimate for a campaign to `downstream` (a channel URL's host): the
 * adaptive controller's measurement as the latest ops snapshot carries it, when
 * younger than `ops.capacity.maxAgeSec`, otherwise `ops.capacity.fallbackPerSec`.
 * The load is what running campaigns send to the same downstream now.
 */
export async function currentCapacity(db: Kysely<Database>, config: Pick<Config, 'ops'>, now: Date, downstream: string): Promise<CapacityEstimate> {
  const { fallbackPerSec, headroom, maxAgeSec } = config.ops.capacity;
  const latest = await db.selectFrom('ops_snapshots').select(['taken_at', 'data']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  const snapshot = latest ? (latest.data as unknown as Partial<OpsSnapshot>) : null;
  const load = Object.values(snapshot?.campaigns ?? {})
    .filter((c) => c.downstream === downstream)
    .reduce((sum, c) => sum + c.goodputPerSec, 0);
  const fallback = (why: string): CapacityEstimate => ({
    capacityPerSec: fallbackPerSec,
    headroom,
    currentLoadPerSec: load,
    source: 'config',
    measuredAt: null,
    kind: 'estimated',
    confidence: 0,
    ageSec: null,
    reason: `${why}: assuming the configured ${fallbackPerSec}/s (ops.capacity.fallbackPerSec)`,
  });
  const measured = snapshot?.capacity?.[downstream];
  if (!measured) return fallback(`no measured capacity for ${downstream} yet`);
  const ageSec = (now.getTime() - Date.parse(measured.measuredAt)) / 1000;
  if (ageSec > maxAgeSec) return fallback(`the capacity of ${downstream} was measured ${Math.round(ageSec)}s ago (older than ${maxAgeSec}s)`);
  return {
    capacityPerSec: measured.perSec,
    headroom,
    currentLoadPerSec: load,
    source: 'snapshot',
    measuredAt: measured.measuredAt,
    kind: measured.kind ?? 'observed',
    confidence: measured.confidence ?? 1,
    ageSec: Math.max(0, ageSec),
    reason: `${downstream} ${(measured.kind ?? 'observed') === 'observed' ? 'observed' : 'estimated (a lower bound: no window has reached its limit)'} at ${measured.perSec.toFixed(1)}/s with ${load.toFixed(1)}/s in use at ${measured.measuredAt}`,
  };
}
