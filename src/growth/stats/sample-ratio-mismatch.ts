import { chiSquareSf } from './chi-square.js';

export interface SampleRatioMismatch {
  chiSquare: number;
  df: number;
  pValue: number;
  /** True when pValue < threshold: assignment or logging is broken; do not trust the results. */
  mismatch: boolean;
  threshold: number;
}

/**
 * Pearson chi-square goodness-of-fit of observed arm sizes against the
 * configured weights (normalised by their sum); df = arms − 1. Flags a
 * mismatch when p < threshold (0.001 by default, the usual SRM cut-off: the
 * check runs on every analysis, so a strict level keeps false alarms rare).
 */
export function sampleRatioMismatch(observed: readonly number[], expectedWeights: readonly number[], threshold = 0.001): SampleRatioMismatch {
  if (observed.length !== expectedWeights.length || observed.length < 2) {
    throw new RangeError('sampleRatioMismatch needs at least two arms and one weight per arm');
  }
  const total = observed.reduce((s, x) => s + x, 0);
  const weightSum = expectedWeights.reduce((s, w) => s + w, 0);
  let chiSquare = 0;
  observed.forEach((count, i) => {
    const expected = (total * (expectedWeights[i] as number)) / weightSum;
    if (expected > 0) chiSquare += (count - expected) ** 2 / expected;
    else if (count > 0) chiSquare = Infinity; // traffic in an arm that should get none
  });
  const df = observed.length - 1;
  const pValue = total > 0 ? chiSquareSf(chiSquare, df) : 1;
  return { chiSquare, df, pValue, mismatch: pValue < threshold, threshold };
}
