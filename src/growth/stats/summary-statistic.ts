import { type Degenerate, invalidInput, notEnoughData } from './result-state.js';

/**
 * One arm's sufficient statistics for a per-user metric, as gbstats keeps them
 * (gbstats/models/statistics.py, ProportionStatistic and SampleMeanStatistic):
 * a proportion's variance is p(1 − p) (the population form, sumSquares = sum);
 * a mean's is the unbiased (Σx² − (Σx)²/n)/(n − 1).
 */
export type SummaryStatistic = { kind: 'proportion'; n: number; sum: number } | { kind: 'mean'; n: number; sum: number; sumSquares: number };

export function meanOf(s: SummaryStatistic): number {
  return s.n > 0 ? s.sum / s.n : 0;
}

export function varianceOf(s: SummaryStatistic): number {
  if (s.kind === 'proportion') {
    const p = meanOf(s);
    return p * (1 - p);
  }
  if (s.n <= 1) return 0;
  return (s.sumSquares - (s.sum * s.sum) / s.n) / (s.n - 1);
}

/**
 * Why `s` cannot enter a test, or null when it can. Values that real data cannot
 * produce are invalid input; an arm with no users, one user of a mean metric, or
 * no variance at all (every user converted, or none) is not enough data.
 */
export function checkStatistic(s: SummaryStatistic, name: string): Degenerate | null {
  const fields: Array<[string, number]> = [
    ['n', s.n],
    ['sum', s.sum],
    ...(s.kind === 'mean' ? [['sumSquares', s.sumSquares] as [string, number]] : []),
  ];
  for (const [field, value] of fields) {
    if (!Number.isFinite(value)) return invalidInput(`${name}.${field}`, `${value} is not a finite number`);
  }
  if (s.n < 0 || !Number.isSafeInteger(s.n)) return invalidInput(`${name}.n`, `user count ${s.n} is not a whole number ≥ 0`);
  if (s.kind === 'proportion') {
    if (!Number.isSafeInteger(s.sum)) return invalidInput(`${name}.sum`, `conversions ${s.sum} is not a whole number`);
    if (s.sum < 0) return invalidInput(`${name}.sum`, `negative conversions (${s.sum})`);
    if (s.sum > s.n) return invalidInput(`${name}.sum`, `more conversions (${s.sum}) than users (${s.n})`);
  } else {
    if (s.n === 0 && (s.sum !== 0 || s.sumSquares !== 0)) return invalidInput(`${name}.sum`, 'values without users');
    if (s.sumSquares < 0) return invalidInput(`${name}.sumSquares`, `negative sum of squares (${s.sumSquares})`);
    // Σx² ≥ (Σx)²/n for any real data (Cauchy–Schwarz); allow rounding in the sums.
    if (s.n > 0 && s.sumSquares - (s.sum * s.sum) / s.n < -1e-9 * Math.max(1, s.sumSquares)) {
      return invalidInput(`${name}.sumSquares`, 'negative variance (sum of squares below sum²/n)');
    }
  }
  if (s.n === 0) return notEnoughData(`no users in ${name}`);
  if (s.kind === 'mean' && s.n === 1) return notEnoughData(`one user in ${name}: no variance yet`);
  if (!(varianceOf(s) > 0)) return notEnoughData(`no variance in ${name} (${s.kind === 'proportion' ? (s.sum === 0 ? 'no conversions' : 'every user converted') : 'every user has the same value'})`);
  return null;
}

/** The first invalid-input problem among several, else the first of any kind, else null. */
export function firstProblem(...problems: Array<Degenerate | null>): Degenerate | null {
  return problems.find((p) => p?.state === 'invalid input') ?? problems.find((p) => p !== null) ?? null;
}
