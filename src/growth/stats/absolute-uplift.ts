import { normalQuantile } from './normal.js';
import { rateOf, rateVariance } from './samples.js';
import type { Interval, ProportionSample } from './samples.js';

/**
 * Difference of conversion rates, variant − control, with the unpooled Wald
 * interval p̂v − p̂c ± z·√(p̂v(1−p̂v)/nv + p̂c(1−p̂c)/nc) (as R's
 * `prop.test(correct = FALSE)`).
 */
export function absoluteUplift(control: ProportionSample, variant: ProportionSample, confidence = 0.95): Interval {
  const estimate = rateOf(variant) - rateOf(control);
  const standardError = Math.sqrt(rateVariance(variant) + rateVariance(control));
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return { estimate, lower: estimate - z * standardError, upper: estimate + z * standardError, standardError };
}
