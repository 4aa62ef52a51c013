/** Plain per-tenant aggregates, computed elsewhere over the configured windows. */
export interface TenantActivity {
  tenantId: string;
  /** ISO timestamp (or epoch ms) of the most recent event; null if never active. */
  lastActivityAt: string | number | null;
  /** Events in the recent window: the `windows.recentDays` days ending at `now`. */
  eventsRecent: number;
  /** Events in the `windows.previousDays` days before the recent window. */
  eventsPrevious: number;
  /** Distinct features used in the recent window. */
  distinctFeatures: number;
  /** Mean session length in minutes in the recent window (depth of use). */
  avgSessionMinutes: number;
  /** Users with at least one event in the recent window. */
  activeUsers: number;
}

export type ScoreComponent = 'recency' | 'frequency' | 'breadth' | 'depth' | 'seats' | 'trend';

export interface ScoreConfig {
  /** Lengths of the two event-count windows; counts are turned into events per day. */
  windows: { recentDays: number; previousDays: number };
  /** Days of inactivity after which recency halves. */
  recencyHalfLifeDays: number;
  /** Input value at which each saturating component reaches 0.5 (it reaches 0.75 at twice that). */
  halfSaturation: { eventsPerDay: number; features: number; sessionMinutes: number; activeUsers: number };
  /**
   * Relative weights, normalised by their sum. `frequency` must be ≥ `trend`:
   * the previous window raises frequency and lowers trend by the same
   * amount per unit weight, so this keeps the score monotone in it.
   */
  weights: Record<ScoreComponent, number>;
}

export interface ActivityScore {
  /** Weighted mean of the components, in [0, 1]. */
  score: number;
  /** Each component in [0, 1] before weighting. */
  breakdown: Record<ScoreComponent, number>;
}

/**
 * Defaults for a team SaaS product where an engaged tenant has a handful of
 * people active daily.
 * @defaultValue 28-day windows; recency half-life 7 days; half-saturation at
 * 20 events/day, 4 features, 10 session minutes, 5 active users; weights
 * recency 0.2, frequency 0.25, breadth 0.15, depth 0.1, seats 0.2, trend 0.1.
 */
export const DEFAULT_SCORE_CONFIG: ScoreConfig = {
  windows: { recentDays: 28, previousDays: 28 },
  recencyHalfLifeDays: 7,
  halfSaturation: { eventsPerDay: 20, features: 4, sessionMinutes: 10, activeUsers: 5 },
  weights: { recency: 0.2, frequency: 0.25, breadth: 0.15, depth: 0.1, seats: 0.2, trend: 0.1 },
};

const DAY_MS = 86_400_000;

/** 0 at 0, 0.5 at `half`, approaching 1; non-decreasing. Negative or NaN input counts as 0. */
function saturate(x: number, half: number): number {
  return 1 - Math.pow(2, -(x > 0 ? x : 0) / half);
}

function toMillis(t: string | number | Date): number {
  return typeof t === 'number' ? t : new Date(t).getTime();
}

/** Throws a RangeError when the config would break the [0,1] range or monotonicity. */
export function validateScoreConfig(config: ScoreConfig): void {
  const positives = {
    'windows.recentDays': config.windows.recentDays,
    'windows.previousDays': config.windows.previousDays,
    recencyHalfLifeDays: config.recencyHalfLifeDays,
    ...Object.fromEntries(Object.entries(config.halfSaturation).map(([k, v]) => [`halfSaturation.${k}`, v])),
  };
  for (const [key, value] of Object.entries(positives)) {
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${key} must be a positive number, got ${value}`);
  }
  const weights = Object.values(config.weights);
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w)) || weights.reduce((a, b) => a + b, 0) <= 0) {
    throw new RangeError('weights must be non-negative with a positive sum');
  }
  if (config.weights.frequency < config.weights.trend) {
    throw new RangeError('weights.frequency must be >= weights.trend, or more previous-window events could lower the score');
  }
}

/**
 * Activity score of one tenant in [0, 1], non-decreasing in every input:
 * more recent last activity, more events in either window, more features,
 * longer sessions and more active users never lower it.
 *
 * - recency   = 2^(-days since last activity / half-life); 0 if never active
 * - frequency = mean of sat(recent events/day) and sat(previous events/day)
 * - trend     = (1 + sat(recent rate) − sat(previous rate)) / 2; 0.5 is flat
 * - breadth   = sat(distinct features), depth = sat(session minutes),
 *   seats = sat(active users)
 *
 * where sat(x) = 1 − 2^(−x / half) with the configured half-saturation
 * point. Frequency and trend are combined as
 * ((w_f + w_t)·sat(recent) + (w_f − w_t)·sat(previous)) / 2, which is the
 * same sum written so each term is visibly non-decreasing.
 */
export function activityScore(
  tenant: TenantActivity,
  now: string | number | Date,
  config: ScoreConfig = DEFAULT_SCORE_CONFIG,
): ActivityScore {
  validateScoreConfig(config);
  const { windows, halfSaturation: half, weights } = config;
  const last = tenant.lastActivityAt === null ? NaN : toMillis(tenant.lastActivityAt);
  const days = Math.max(0, (toMillis(now) - last) / DAY_MS);
  const recency = Number.isNaN(days) ? 0 : Math.pow(2, -days / config.recencyHalfLifeDays);
  const recentRate = saturate(tenant.eventsRecent / windows.recentDays, half.eventsPerDay);
  const previousRate = saturate(tenant.eventsPrevious / windows.previousDays, half.eventsPerDay);
  const breakdown: Record<ScoreComponent, number> = {
    recency,
    frequency: (recentRate + previousRate) / 2,
    breadth: saturate(tenant.distinctFeatures, half.features),
    depth: saturate(tenant.avgSessionMinutes, half.sessionMinutes),
    seats: saturate(tenant.activeUsers, half.activeUsers),
    trend: (1 + recentRate - previousRate) / 2,
  };
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  const weighted =
    weights.recency * breakdown.recency +
    ((weights.frequency + weights.trend) * recentRate + (weights.frequency - weights.trend) * previousRate) / 2 +
    weights.trend / 2 +
    weights.breadth * breakdown.breadth +
    weights.depth * breakdown.depth +
    weights.seats * breakdown.seats;
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    score: round(Math.min(1, Math.max(0, weighted / total))),
    breakdown: Object.fromEntries(Object.entries(breakdown).map(([k, v]) => [k, round(v)])) as Record<ScoreComponent, number>,
  };
}
