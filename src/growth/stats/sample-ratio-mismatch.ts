import { chiSquareSf } from './chi-square.js';

export interface SampleRatioMismatch {
  /**
   * 'ok': the test ran. 'not enough data': no exposures yet. 'invalid input':
   * a count or weight is negative or not a number; `reason` names it. Only
   * 'ok' can say "no mismatch".
   */
  state: 'ok' | 'not enough data' | 'invalid input';
  reason?: string;
  chiSquare: number;
  df: number;
  pValue: number;
  /** True when pValue < threshold: assignment or logging is broken; do not trust the results. */
  mismatch: boolean;
  threshold: number;
}

/**
 * Pearson chi-square goodness-of-fit of observed arm sizes against the
 * configured weights (normalised by their sum); df = arms − 1, as gbstats'
 * check_srm (gbstats/utils.py). Flags a mismatch when p < threshold (0.001 by
 * default, the usual SRM cut-off: the check runs on every analysis, so a
 * strict level keeps false alarms rare). Unlike check_srm, traffic in an arm
 * weighted 0 is a mismatch rather than ignored.
 */
export function sampleRatioMismatch(observed: readonly number[], expectedWeights: readonly number[], threshold = 0.001): SampleRatioMismatch {
  if (observed.length !== expectedWeights.length || observed.length < 2) {
    throw new RangeError('sampleRatioMismatch needs at least two arms and one weight per arm');
  }
  const df = observed.length - 1;
  const degenerate = (state: 'not enough data' | 'invalid input', reason: string): SampleRatioMismatch => ({ state, reason, chiSquare: NaN, df, pValue: NaN, mismatch: false, threshold });
  const badCount = observed.findIndex((x) => !(Number.isFinite(x) && x >= 0));
  if (badCount >= 0) return degenerate('invalid input', `exposures of arm ${badCount + 1} is ${observed[badCount]}`);
  const badWeight = expectedWeights.findIndex((w) => !(Number.isFinite(w) && w >= 0));
  if (badWeight >= 0) return degenerate('invalid input', `weight of arm ${badWeight + 1} is ${expectedWeights[badWeight]}`);
  const total = observed.reduce((s, x) => s + x, 0);
  const weightSum = expectedWeights.reduce((s, w) => s + w, 0);
  if (!(weightSum > 0)) return degenerate('invalid input', 'no arm has a positive weight');
  if (total === 0) return degenerate('not enough data', 'no exposures yet');
  let chiSquare = 0;
  observed.forEach((count, i) => {
    const expected = (total * (expectedWeights[i] as number)) / weightSum;
    if (expected > 0) chiSquare += (count - expected) ** 2 / expected;
    else if (count > 0) chiSquare = Infinity; // traffic in an arm that should get none
  });
  const pValue = chiSquareSf(chiSquare, df);
  return { state: 'ok', chiSquare, df, pValue, mismatch: pValue < threshold, threshold };
}
