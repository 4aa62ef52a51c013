import { clamp } from './controller-policy.js';

export interface BatchSizeOptions {
  /**
   * Length of one dispatch cycle: a worker claims one batch, sends it paced over
   * the cycle, then claims the next. Long enough that claiming is cheap, short
   * enough that a rate change takes effect at the next claim.
   * @defaultValue 1000
   */
  cycleMs: number;
  /** @defaultValue 1 */
  minBatchSize: number;
  /** Caps one claim so a crashed worker strands at most this many jobs until their locks expire. @defaultValue 500 */
  maxBatchSize: number;
}

export const DEFAULT_BATCH_SIZE_OPTIONS: BatchSizeOptions = { cycleMs: 1000, minBatchSize: 1, maxBatchSize: 500 };

/** Jobs to claim per dispatch cycle so one claim lasts one cycle at `ratePerSec`. */
export function batchSizeForRate(ratePerSec: number, options: BatchSizeOptions = DEFAULT_BATCH_SIZE_OPTIONS): number {
  const raw = Math.floor((Math.max(0, ratePerSec) * options.cycleMs) / 1000);
  return clamp(raw, options.minBatchSize, options.maxBatchSize);
}

export interface BatchRecommendationOptions extends BatchSizeOptions {
  /**
   * Fraction of the capacity estimate to plan for. The estimate is the best
   * throughput seen within the SLO, so planning at 100% leaves nothing for other
   * traffic or a slower day; 0.8 keeps the knee of the latency curve out of reach.
   * @defaultValue 0.8
   */
  headroom: number;
  /** Rate used when there is no capacity estimate yet (a first campaign): slow, and the live controller probes up from there. @defaultValue 10 */
  fallbackRatePerSec: number;
}

export const DEFAULT_BATCH_RECOMMENDATION_OPTIONS: BatchRecommendationOptions = {
  ...DEFAULT_BATCH_SIZE_OPTIONS,
  headroom: 0.8,
  fallbackRatePerSec: 10,
};

export interface BatchRecommendation {
  batchSize: number;
  ratePerSec: number;
  /** Seconds to send `audienceSize` messages at `ratePerSec`, when an audience size was given. */
  estimatedDurationSec: number | null;
  reason: string;
}

/**
 * "Before launch" sizing from the latest capacity estimate (the throughput at which
 * latency stayed within the SLO, e.g. `AdaptiveState.capacityPerSec`): plan at
 * `headroom` of it and size one claim to one dispatch cycle.
 */
export function recommendBatchSize(
  capacityPerSec: number | null,
  audienceSize: number | null = null,
  options: Partial<BatchRecommendationOptions> = {},
): BatchRecommendation {
  const o = { ...DEFAULT_BATCH_RECOMMENDATION_OPTIONS, ...options };
  if (!(o.headroom > 0 && o.headroom <= 1)) throw new RangeError(`headroom must be within (0, 1], got ${o.headroom}`);
  const measured = capacityPerSec !== null && capacityPerSec > 0;
  const ratePerSec = measured ? capacityPerSec * o.headroom : o.fallbackRatePerSec;
  const batchSize = batchSizeForRate(ratePerSec, o);
  const estimatedDurationSec = audienceSize === null || ratePerSec <= 0 ? null : audienceSize / ratePerSec;
  const reason = measured
    ? `${Math.round(o.headroom * 100)}% of the measured capacity ${capacityPerSec.toFixed(1)}/s → ${ratePerSec.toFixed(1)}/s, ${batchSize} per ${o.cycleMs} ms cycle`
    : `no capacity measured yet: start at ${ratePerSec}/s and let the controller probe`;
  return { batchSize, ratePerSec, estimatedDurationSec, reason };
}
