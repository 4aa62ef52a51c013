import { type DifferenceType, type EffectMoments, effectMoments } from './effect-moments.js';
import type { Stated } from './result-state.js';
import type { SummaryStatistic } from './summary-statistic.js';

export interface ConfidenceSequenceOptions {
  /** @defaultValue 0.05 */
  alpha?: number;
  /** N*, the total sample size the sequence is tightest at (gbstats' sequential_tuning_parameter). @defaultValue 5000 */
  tuning?: number;
}

export interface ConfidenceSequenceLift {
  difference: DifferenceType;
  estimate: number;
  standardError: number;
  /** Always-valid (1 − alpha) interval. */
  lower: number;
  upper: number;
  /** Always-valid p-value min(1, 1/E). */
  pValue: number;
  /** ρ of the normal mixture. */
  rho: number;
}

/**
 * ρ for tuning N*: √((−2 ln α + ln(−2 ln α + 1)) / N*) (Waudby-Smith et al.,
 * "Time-uniform central limit theory and asymptotic confidence sequences",
 * arXiv:2103.06476v7, eq. 161; gbstats sequential_rho).
 */
export function sequentialRho(alpha: number, tuning: number): number {
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / tuning);
}

/**
 * Two-sided asymptotic confidence sequence over n = na + nb users (ibid. eq. 9;
 * gbstats/frequentist/tests.py, SequentialTwoSidedTTest): with s² = se²·n,
 * half-width = s·√(2(nρ² + 1)·ln(√(nρ² + 1)/α) / (nρ)²), and the e-value
 * E = exp(ρ²·n·θ̂²/se²·½/(nρ² + 1)) / √(nρ² + 1) (eq. 155) gives p = min(1, 1/E).
 */
export function confidenceSequenceOfMoments(m: EffectMoments, n: number, difference: DifferenceType, options: ConfidenceSequenceOptions = {}): ConfidenceSequenceLift {
  const { alpha = 0.05, tuning = 5000 } = options;
  const rho = sequentialRho(alpha, tuning);
  const nr2p1 = n * rho * rho + 1;
  const s2 = m.standardError ** 2 * n;
  const halfWidth = Math.sqrt(s2) * Math.sqrt((2 * nr2p1 * Math.log(Math.sqrt(nr2p1) / alpha)) / (n * rho) ** 2);
  const st2 = (m.estimate ** 2 * n) / m.standardError ** 2;
  const logE = (rho * rho * st2) / (2 * nr2p1) - 0.5 * Math.log(nr2p1);
  return {
    difference,
    estimate: m.estimate,
    standardError: m.standardError,
    lower: m.estimate - halfWidth,
    upper: m.estimate + halfWidth,
    pValue: Math.min(1, Math.exp(-logE)),
    rho,
  };
}

export function confidenceSequenceLift(a: SummaryStatistic, b: SummaryStatistic, difference: DifferenceType = 'relative', options: ConfidenceSequenceOptions = {}): Stated<ConfidenceSequenceLift> {
  const moments = effectMoments(a, b, difference);
  if ('state' in moments) return moments;
  return { state: 'ok', ...confidenceSequenceOfMoments(moments, a.n + b.n, difference, options) };
}
