import { normalSf } from './normal.js';
import { rateOf } from './samples.js';
import type { ProportionSample } from './samples.js';

export interface ZTestResult {
  z: number;
  /** Two-sided p-value 2·(1 − Φ(|z|)). */
  pValue: number;
}

/**
 * Pooled two-proportion z-test of H0: pv = pc. z = (p̂v − p̂c)/√(p̄(1−p̄)(1/nv + 1/nc))
 * with p̄ the pooled rate; z² equals R's `prop.test(correct = FALSE)` statistic.
 */
export function twoProportionZTest(control: ProportionSample, variant: ProportionSample): ZTestResult {
  const n = control.exposures + variant.exposures;
  const pooled = n > 0 ? (control.conversions + variant.conversions) / n : 0;
  const variance = pooled * (1 - pooled) * (1 / control.exposures + 1 / variant.exposures);
  const diff = rateOf(variant) - rateOf(control);
  if (!(variance > 0)) return { z: 0, pValue: 1 };
  const z = diff / Math.sqrt(variance);
  return { z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}
