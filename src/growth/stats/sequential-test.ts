import { rateOf, rateVariance } from './samples.js';
import type { ProportionSample } from './samples.js';

export interface SequentialOptions {
  /** Level of the always-valid confidence sequence. @defaultValue 0.05 */
  alpha?: number;
  /**
   * τ², variance of the normal mixture over the true effect, in squared units
   * of the estimate. Power is best for effects near τ; validity holds for any τ.
   * @defaultValue 1e-4 (τ = 1 percentage point, for conversion-rate differences)
   */
  mixtureVariance?: number;
  /**
   * The result of the previous look at the same experiment, if the caller
   * keeps it: the p-value becomes the running minimum and the interval the
   * running intersection, which is what "always valid" refers to.
   */
  previous?: { pValue: number; lower: number; upper: number };
}

export interface SequentialResult {
  /** Mixture likelihood ratio Λ against H0: effect = 0. */
  likelihoodRatio: number;
  /** Always-valid p-value min(1, 1/Λ) (running minimum with `previous`). */
  pValue: number;
  /** Always-valid (1 − alpha) confidence sequence for the effect. */
  lower: number;
  upper: number;
}

/**
 * Mixture sequential probability ratio test (mSPRT) with a N(0, τ²) mixture
 * over an asymptotically normal estimate θ̂ ~ N(θ, V) (Johari, Koomen, Pekelis
 * & Walsh, "Always Valid Inference", Operations Research 2022):
 *   Λ = √(V/(V+τ²)) · exp(τ²θ̂² / (2V(V+τ²))).
 * 1/Λ is a p-value that may be checked after every batch of data: by Ville's
 * inequality P(∃ look: 1/Λ ≤ α | H0) ≤ α. Inverting the test gives the
 * confidence sequence θ̂ ± √((2V(V+τ²)/τ²)·(ln(1/α) + ½·ln((V+τ²)/V))).
 */
export function normalMixtureSequentialTest(estimate: number, variance: number, options: SequentialOptions = {}): SequentialResult {
  const { alpha = 0.05, mixtureVariance: tau2 = 1e-4, previous } = options;
  let result: SequentialResult;
  if (!(variance > 0) || !Number.isFinite(estimate)) {
    result = { likelihoodRatio: 1, pValue: 1, lower: -Infinity, upper: Infinity };
  } else {
    const logLambda = 0.5 * Math.log(variance / (variance + tau2)) + (tau2 * estimate * estimate) / (2 * variance * (variance + tau2));
    const halfWidth = Math.sqrt(((2 * variance * (variance + tau2)) / tau2) * (Math.log(1 / alpha) + 0.5 * Math.log((variance + tau2) / variance)));
    result = {
      likelihoodRatio: Math.exp(logLambda),
      pValue: Math.min(1, Math.exp(-logLambda)),
      lower: estimate - halfWidth,
      upper: estimate + halfWidth,
    };
  }
  if (!previous) return result;
  return {
    likelihoodRatio: result.likelihoodRatio,
    pValue: Math.min(result.pValue, previous.pValue),
    lower: Math.max(result.lower, previous.lower),
    upper: Math.min(result.upper, previous.upper),
  };
}

/**
 * mSPRT for the difference of conversion rates, variant − control, with the
 * unpooled variance p̂v(1−p̂v)/nv + p̂c(1−p̂c)/nc. Returns p = 1 and an
 * unbounded interval while that variance is 0 (e.g. no conversions yet).
 */
export function sequentialProportionTest(control: ProportionSample, variant: ProportionSample, options: SequentialOptions = {}): SequentialResult {
  const estimate = rateOf(variant) - rateOf(control);
  return normalMixtureSequentialTest(estimate, rateVariance(variant) + rateVariance(control), options);
}
