import { studentTQuantile, studentTSf } from './student-t.js';
import type { MeanSample } from './samples.js';

export interface WelchResult {
  /** Variant mean − control mean. */
  difference: number;
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  pValue: number;
  lower: number;
  upper: number;
  standardError: number;
}

/**
 * Welch's unequal-variance t-test of variant vs control means, from summary
 * statistics (as R's `t.test(var.equal = FALSE)` / scipy's `ttest_ind_from_stats`).
 */
export function welchTTest(control: MeanSample, variant: MeanSample, confidence = 0.95): WelchResult {
  if (control.n < 2 || variant.n < 2) {
    const difference = variant.mean - control.mean;
    return { difference, t: NaN, df: NaN, pValue: 1, lower: -Infinity, upper: Infinity, standardError: NaN };
  }
  const vc = control.variance / control.n;
  const vv = variant.variance / variant.n;
  const standardError = Math.sqrt(vc + vv);
  const difference = variant.mean - control.mean;
  if (!(standardError > 0)) {
    const df = Math.max(1, control.n + variant.n - 2);
    return { difference, t: difference === 0 ? 0 : Math.sign(difference) * Infinity, df, pValue: difference === 0 ? 1 : 0, lower: difference, upper: difference, standardError: 0 };
  }
  const df = (vc + vv) ** 2 / (vc ** 2 / (control.n - 1) + vv ** 2 / (variant.n - 1));
  // Subnormal variances (≈1e-320) underflow in the squares: no degrees of freedom, no test.
  if (!(df > 0 && df < Infinity)) return { difference, t: NaN, df: NaN, pValue: 1, lower: -Infinity, upper: Infinity, standardError };
  const t = difference / standardError;
  const margin = studentTQuantile(1 - (1 - confidence) / 2, df) * standardError;
  return {
    difference,
    t,
    df,
    pValue: Math.min(1, 2 * studentTSf(Math.abs(t), df)),
    lower: difference - margin,
    upper: difference + margin,
    standardError,
  };
}
