import type { MeanSample } from './samples.js';

/** Raw per-arm sums as stored by the event pipeline. */
export interface ArmTotals {
  exposures: number;
  conversions: number;
  /** Σ revenue over exposed users (non-converters contribute 0). */
  revenueSum: number;
  /** Σ revenue² over exposed users, for the variance. */
  revenueSumSq: number;
}

export interface ArmMetrics {
  conversionRate: number;
  revenuePerUser: number;
  /** Unbiased per-user revenue variance; 0 with fewer than two users. */
  revenueVariance: number;
}

/** Conversion rate, revenue per exposed user and its variance from running sums. */
export function armMetrics(totals: ArmTotals): ArmMetrics {
  const n = totals.exposures;
  if (n <= 0) return { conversionRate: 0, revenuePerUser: 0, revenueVariance: 0 };
  const mean = totals.revenueSum / n;
  const variance = n > 1 ? Math.max(0, (totals.revenueSumSq - n * mean * mean) / (n - 1)) : 0;
  return { conversionRate: totals.conversions / n, revenuePerUser: mean, revenueVariance: variance };
}

/** The revenue summary of an arm as a {@link MeanSample} for {@link welchTTest}. */
export function revenueSample(totals: ArmTotals): MeanSample {
  const { revenuePerUser, revenueVariance } = armMetrics(totals);
  return { mean: revenuePerUser, variance: revenueVariance, n: totals.exposures };
}
