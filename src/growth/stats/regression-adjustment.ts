import type { DifferenceType, EffectMoments } from './effect-moments.js';
import { type Degenerate, invalidInput, notEnoughData } from './result-state.js';
import { checkStatistic, firstProblem, meanOf, type SummaryStatistic, varianceOf } from './summary-statistic.js';

/**
 * One arm's metric after exposure (`post`) and the same metric over the same
 * users before exposure (`pre`), with Σ post·pre: CUPED's inputs (Deng, Xu,
 * Kohavi & Walker, "Improving the sensitivity of online controlled experiments
 * by utilizing pre-experiment data", WSDM 2013), as gbstats'
 * RegressionAdjustedStatistic keeps them. `post` and `pre` are of one kind.
 */
export interface AdjustableStatistic {
  post: SummaryStatistic;
  pre: SummaryStatistic;
  sumOfProducts: number;
}

export interface AdjustedMoments extends EffectMoments {
  /** θ = Cov(post, pre)/Var(pre) over both arms pooled; 0 means no adjustment was possible. */
  theta: number;
  /** Per-user variances of the adjusted metric, for Welch–Satterthwaite df. */
  varianceA: number;
  varianceB: number;
}

function covariance(n: number, post: SummaryStatistic, pre: SummaryStatistic, sumOfProducts: number): number {
  if (n <= 1) return 0;
  if (post.kind === 'proportion' && pre.kind === 'proportion') return sumOfProducts / n - (post.sum * pre.sum) / n ** 2;
  return (sumOfProducts - (post.sum * pre.sum) / n) / (n - 1);
}

function pooled(a: SummaryStatistic, b: SummaryStatistic): SummaryStatistic {
  if (a.kind === 'proportion' && b.kind === 'proportion') return { kind: 'proportion', n: a.n + b.n, sum: a.sum + b.sum };
  const squares = (s: SummaryStatistic) => (s.kind === 'mean' ? s.sumSquares : s.sum);
  return { kind: 'mean', n: a.n + b.n, sum: a.sum + b.sum, sumSquares: squares(a) + squares(b) };
}

/** θ from both arms pooled (gbstats compute_theta); 0 when either period has no variance. */
export function cupedTheta(a: AdjustableStatistic, b: AdjustableStatistic): number {
  const post = pooled(a.post, b.post);
  const pre = pooled(a.pre, b.pre);
  const preVariance = varianceOf(pre);
  if (preVariance === 0 || varianceOf(post) === 0) return 0;
  return covariance(post.n, post, pre, a.sumOfProducts + b.sumOfProducts) / preVariance;
}

/**
 * Lift moments of the CUPED-adjusted metric Y − θ·X. Absolute: difference of
 * adjusted means with Var = σ²adj,b/nb + σ²adj,a/na, where σ²adj = σ²Y + θ²σ²X − 2θ·Cov(Y, X).
 * Relative: divided by the control's unadjusted mean, with gbstats' delta-method
 * variance (gbstats/models/tests.py, frequentist_variance_relative_cuped).
 * With θ = 0 (no pre-period variance) this is the unadjusted lift.
 */
export function adjustedMoments(a: AdjustableStatistic, b: AdjustableStatistic, difference: DifferenceType): AdjustedMoments | Degenerate {
  const problems = ([[a, 'control'], [b, 'variant']] as const).flatMap(([s, name]) => {
    const pre = checkStatistic(s.pre, `${name}.pre`);
    return [
      checkStatistic(s.post, name),
      pre?.state === 'invalid input' ? pre : null,
      Number.isFinite(s.sumOfProducts) ? null : invalidInput(`${name}.sumOfProducts`, `${s.sumOfProducts} is not a finite number`),
      s.pre.n === s.post.n ? null : invalidInput(`${name}.pre.n`, 'pre-period users differ from post-period users'),
    ];
  });
  const problem = firstProblem(...problems);
  if (problem) return problem;
  const theta = cupedTheta(a, b);
  const part = (s: AdjustableStatistic) => {
    const cov = covariance(s.post.n, s.post, s.pre, s.sumOfProducts);
    return {
      n: s.post.n,
      mean: meanOf(s.post) - theta * meanOf(s.pre),
      unadjustedMean: meanOf(s.post),
      variance: varianceOf(s.post) + theta ** 2 * varianceOf(s.pre) - 2 * theta * cov,
      cov,
      preVariance: varianceOf(s.pre),
      postVariance: varianceOf(s.post),
    };
  };
  const A = part(a);
  const B = part(b);
  if (!(A.variance > 0) || !(B.variance > 0)) return notEnoughData('no variance left after the adjustment');
  if (difference === 'absolute') {
    return { estimate: B.mean - A.mean, standardError: Math.sqrt(B.variance / B.n + A.variance / A.n), theta, varianceA: A.variance, varianceB: B.variance };
  }
  const m = A.unadjustedMean;
  if (m === 0) return notEnoughData('the control mean is 0, so a relative lift is undefined');
  const vTreatment = B.variance / (B.n * m * m);
  const c = -B.unadjustedMean;
  const vControl = ((A.postVariance * c * c) / (m * m) + (2 * theta * A.cov * c) / m + theta ** 2 * A.preVariance) / (A.n * m * m);
  const variance = vTreatment + vControl;
  if (!(variance > 0)) return notEnoughData('no variance in the lift');
  return { estimate: (B.mean - A.mean) / Math.abs(m), standardError: Math.sqrt(variance), theta, varianceA: A.variance, varianceB: B.variance };
}

/** Welch–Satterthwaite df of the adjusted per-user variances. */
export function adjustedDf(m: AdjustedMoments, na: number, nb: number): number {
  const { varianceA: va, varianceB: vb } = m;
  return (vb / nb + va / na) ** 2 / (vb ** 2 / (nb ** 2 * (nb - 1)) + va ** 2 / (na ** 2 * (na - 1)));
}
