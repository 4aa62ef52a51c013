import { type DifferenceType, type EffectMoments, effectMoments } from './effect-moments.js';
import { notEnoughData, type Stated } from './result-state.js';
import { studentTQuantile, studentTSf } from './student-t.js';
import { type SummaryStatistic, varianceOf } from './summary-statistic.js';

export interface FrequentistLift {
  difference: DifferenceType;
  estimate: number;
  standardError: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value of H0: lift = 0, from the t distribution with `df`. */
  pValue: number;
  /** Two-sided (1 − alpha) interval estimate ± t(1 − α/2, df)·se. */
  lower: number;
  upper: number;
}

/**
 * Welch–Satterthwaite degrees of freedom of two arms' per-user variances:
 * (σ²a/na + σ²b/nb)² / (σ⁴a/(na²(na−1)) + σ⁴b/(nb²(nb−1))).
 */
export function welchSatterthwaiteDf(a: SummaryStatistic, b: SummaryStatistic): number {
  const va = varianceOf(a);
  const vb = varianceOf(b);
  return (vb / b.n + va / a.n) ** 2 / (vb ** 2 / (b.n ** 2 * (b.n - 1)) + va ** 2 / (a.n ** 2 * (a.n - 1)));
}

/** The interval and p-value of given moments with `df` (shared with CUPED). */
export function tTestOfMoments(moments: EffectMoments, df: number, difference: DifferenceType, alpha: number): FrequentistLift {
  const t = moments.estimate / moments.standardError;
  const halfWidth = studentTQuantile(1 - alpha / 2, df) * moments.standardError;
  return {
    difference,
    estimate: moments.estimate,
    standardError: moments.standardError,
    df,
    pValue: Math.min(1, 2 * studentTSf(Math.abs(t), df)),
    lower: moments.estimate - halfWidth,
    upper: moments.estimate + halfWidth,
  };
}

/**
 * GrowthBook's fixed-horizon frequentist test (gbstats/frequentist/tests.py,
 * TwoSidedTTest): the lift's moments by the delta method (effect-moments.ts),
 * Welch–Satterthwaite df from the arms' variances, and the t quantile for the
 * interval of both the absolute and the relative lift.
 */
export function frequentistLift(a: SummaryStatistic, b: SummaryStatistic, difference: DifferenceType, alpha = 0.05): Stated<FrequentistLift> {
  const moments = effectMoments(a, b, difference);
  if ('state' in moments) return moments;
  const df = welchSatterthwaiteDf(a, b);
  if (!(df > 0 && df < Infinity)) return notEnoughData('variances too small to estimate degrees of freedom');
  return { state: 'ok', ...tTestOfMoments(moments, df, difference, alpha) };
}


