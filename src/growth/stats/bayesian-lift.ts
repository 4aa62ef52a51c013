import { type DifferenceType, type EffectMoments, effectMoments } from './effect-moments.js';
import { normalCdf, normalPdf, normalQuantile } from './normal.js';
import type { Stated } from './result-state.js';
import type { SummaryStatistic } from './summary-statistic.js';

export interface BayesianLift {
  difference: DifferenceType;
  /** Posterior mean of the lift. */
  mean: number;
  /** Posterior standard deviation. */
  sd: number;
  /** Equal-tailed (1 − alpha) credible interval. */
  lower: number;
  upper: number;
  /** P(lift > 0). */
  chanceToWin: number;
  /**
   * Expected loss in the lift's units (relative lift by default): `control` is
   * E[max(lift, 0)], what choosing the control forgoes; `variant` is
   * E[max(−lift, 0)], what shipping the variant risks.
   */
  risk: { control: number; variant: number };
}

/**
 * Expected losses of a N(μ, σ²) lift: E[max(X, 0)] = μΦ(μ/σ) + σφ(μ/σ) and
 * E[max(−X, 0)] = −μΦ(−μ/σ) + σφ(μ/σ), the closed forms of gbstats'
 * truncated-normal means weighted by their probabilities (EffectBayesianABTest.get_risk).
 */
export function gaussianRisk(mu: number, sigma: number): { control: number; variant: number } {
  if (!(sigma > 0) || Math.abs(mu / sigma) > 37) return { control: Math.max(mu, 0), variant: Math.max(-mu, 0) };
  const z = mu / sigma;
  const density = sigma * normalPdf(z);
  return { control: mu * normalCdf(z) + density, variant: -mu * normalCdf(-z) + density };
}

/** The flat-prior posterior of given moments (shared with CUPED). */
export function posteriorOfMoments(m: EffectMoments, difference: DifferenceType, alpha: number): BayesianLift {
  const z = normalQuantile(1 - alpha / 2);
  return {
    difference,
    mean: m.estimate,
    sd: m.standardError,
    lower: m.estimate - z * m.standardError,
    upper: m.estimate + z * m.standardError,
    chanceToWin: normalCdf(m.estimate / m.standardError),
    risk: gaussianRisk(m.estimate, m.standardError),
  };
}

/**
 * GrowthBook's Bayesian engine with its default improper flat prior
 * (gbstats/bayesian/tests.py, EffectBayesianABTest): the posterior of the lift
 * is the normal approximation N(estimate, se²) of the delta-method moments, for
 * proportions and for means alike.
 */
export function bayesianLift(a: SummaryStatistic, b: SummaryStatistic, difference: DifferenceType = 'relative', alpha = 0.05): Stated<BayesianLift> {
  const moments = effectMoments(a, b, difference);
  if ('state' in moments) return moments;
  return { state: 'ok', ...posteriorOfMoments(moments, difference, alpha) };
}
