/** Binary outcome counts of one arm. */
export interface ProportionSample {
  /** Users exposed (the denominator). */
  exposures: number;
  /** Users who converted, 0 ≤ conversions ≤ exposures. */
  conversions: number;
}

/** Summary of a continuous per-user metric in one arm. */
export interface MeanSample {
  mean: number;
  /** Unbiased sample variance (n − 1 denominator). */
  variance: number;
  n: number;
}

/** A point estimate with a two-sided interval. */
export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
  standardError: number;
}

/** Conversion rate; 0 for an arm with no exposures yet. */
export function rateOf(sample: ProportionSample): number {
  return sample.exposures > 0 ? sample.conversions / sample.exposures : 0;
}

/** Variance of the estimated rate, p(1 − p)/n. */
export function rateVariance(sample: ProportionSample): number {
  if (sample.exposures <= 0) return 0;
  const p = rateOf(sample);
  return (p * (1 - p)) / sample.exposures;
}
