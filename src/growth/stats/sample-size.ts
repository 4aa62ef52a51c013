import { normalQuantile } from './normal.js';

export interface SampleSizePlan {
  /** Control conversion rate the experiment starts from, 0 < p < 1. */
  baselineRate: number;
  /** Smallest effect worth detecting: an absolute rate difference, or a fraction of `baselineRate` when `effectType` is 'relative'. */
  minDetectableEffect: number;
  /** @defaultValue 'absolute' */
  effectType?: 'absolute' | 'relative';
  /** Two-sided significance level. @defaultValue 0.05 */
  alpha?: number;
  /** Probability of detecting an effect of exactly the planned size. @defaultValue 0.8 */
  power?: number;
  /**
   * Variance used under H0. 'pooled' uses the mean of the two rates, as R's
   * `power.prop.test` and Fleiss do; 'baseline' uses the control rate, as
   * Evan Miller's online calculator does (slightly smaller n).
   * @defaultValue 'pooled'
   */
  nullVariance?: 'pooled' | 'baseline';
}

export interface SampleSize {
  /** Unrounded solution of the power equation. */
  exact: number;
  /** Users needed in each arm: `exact` rounded up. */
  perArm: number;
}

/**
 * Users per arm for a two-sided two-proportion z-test, equal allocation:
 * n = (z₁₋α/₂·√(2·p₀(1−p₀)) + z_power·√(p₁(1−p₁) + p₂(1−p₂)))² / (p₂ − p₁)².
 */
export function sampleSizePerArm(plan: SampleSizePlan): SampleSize {
  const { baselineRate: p1, minDetectableEffect, effectType = 'absolute', alpha = 0.05, power = 0.8, nullVariance = 'pooled' } = plan;
  const delta = effectType === 'relative' ? p1 * minDetectableEffect : minDetectableEffect;
  const p2 = p1 + delta;
  if (!(p1 > 0 && p1 < 1) || !(p2 > 0 && p2 < 1) || delta === 0) {
    throw new RangeError(`sampleSizePerArm needs both rates in (0, 1) and a non-zero effect, got ${p1} → ${p2}`);
  }
  const p0 = nullVariance === 'pooled' ? (p1 + p2) / 2 : p1;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zPower = normalQuantile(power);
  const spread = zAlpha * Math.sqrt(2 * p0 * (1 - p0)) + zPower * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const exact = (spread * spread) / (delta * delta);
  return { exact, perArm: Math.ceil(exact - 1e-9) };
}
