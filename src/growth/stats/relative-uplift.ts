import { normalQuantile } from './normal.js';
import { rateOf, rateVariance } from './samples.js';
import type { Interval, ProportionSample } from './samples.js';

/**
 * Relative uplift p̂v/p̂c − 1 with a delta-method interval. First-order Taylor
 * expansion of the ratio of two independent means (Kohavi, Tang & Xu,
 * "Trustworthy Online Controlled Experiments", 2020, §18):
 * Var(p̂v/p̂c) ≈ Var(p̂v)/p̂c² + p̂v²·Var(p̂c)/p̂c⁴.
 * Undefined (NaN) while the control has no conversions.
 */
export function relativeUplift(control: ProportionSample, variant: ProportionSample, confidence = 0.95): Interval {
  const pc = rateOf(control);
  const pv = rateOf(variant);
  if (pc <= 0) return { estimate: NaN, lower: NaN, upper: NaN, standardError: NaN };
  const estimate = pv / pc - 1;
  const standardError = Math.sqrt(rateVariance(variant) / (pc * pc) + (pv * pv * rateVariance(control)) / pc ** 4);
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return { estimate, lower: estimate - z * standardError, upper: estimate + z * standardError, standardError };
}
