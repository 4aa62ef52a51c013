import { type Degenerate, notEnoughData } from './result-state.js';
import { checkStatistic, firstProblem, meanOf, type SummaryStatistic, varianceOf } from './summary-statistic.js';

export type DifferenceType = 'absolute' | 'relative';

export interface EffectMoments {
  /** Variant − control (absolute), or (variant − control)/|control| (relative). */
  estimate: number;
  standardError: number;
}

/**
 * Point estimate and standard error of the lift of `b` (variant) over `a`
 * (control), as gbstats' EffectMoments (gbstats/models/tests.py with
 * gbstats/utils.py frequentist_diff / frequentist_variance / variance_of_ratios):
 * absolute Var = σ²b/nb + σ²a/na; relative by the delta method for the ratio of
 * two independent means, Var(μ̂b/μ̂a) ≈ (σ²b/nb)/μa² + μb²(σ²a/na)/μa⁴.
 */
export function effectMoments(a: SummaryStatistic, b: SummaryStatistic, difference: DifferenceType): EffectMoments | Degenerate {
  const problem = firstProblem(checkStatistic(a, 'control'), checkStatistic(b, 'variant'));
  if (problem) return problem;
  return liftMoments(meanOf(a), varianceOf(a) / a.n, meanOf(b), varianceOf(b) / b.n, difference);
}

/** The lift's moments from each arm's mean and the variance of that mean (shared with CUPED). */
export function liftMoments(meanA: number, varMeanA: number, meanB: number, varMeanB: number, difference: DifferenceType, baseline = meanA): EffectMoments | Degenerate {
  if (difference === 'absolute') {
    return { estimate: meanB - meanA, standardError: Math.sqrt(varMeanA + varMeanB) };
  }
  if (baseline === 0) return notEnoughData('the control mean is 0, so a relative lift is undefined');
  const variance = varMeanB / baseline ** 2 + (meanB ** 2 * varMeanA) / baseline ** 4;
  if (!(variance > 0)) return notEnoughData('no variance in the lift');
  return { estimate: (meanB - meanA) / Math.abs(baseline), standardError: Math.sqrt(variance) };
}
