import { regularizedBeta } from './incomplete-beta.js';
import { logGamma } from './log-gamma.js';
import { normalQuantile } from './normal.js';

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`Student t needs df > 0, got ${df}`);
}

/** Student t density with `df` degrees of freedom. */
export function studentTPdf(t: number, df: number): number {
  checkDf(df);
  const logDensity =
    logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df);
  return Math.exp(logDensity);
}

// P(T < −|t|), through whichever incomplete-beta form avoids cancellation.
function lowerTail(t: number, df: number): number {
  const t2 = t * t;
  if (t2 < df) return 0.5 - 0.5 * regularizedBeta(t2 / (df + t2), 0.5, df / 2);
  return 0.5 * regularizedBeta(df / (df + t2), df / 2, 0.5);
}

/** Student t CDF P(T ≤ t) with `df` (> 0, not necessarily integer) degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = lowerTail(t, df);
  return t < 0 ? tail : 1 - tail;
}

/** Upper tail P(T > t), without the cancellation of `1 - studentTCdf(t, df)`. */
export function studentTSf(t: number, df: number): number {
  return studentTCdf(-t, df);
}

/**
 * Quantile of Student t: the t with P(T ≤ t) = p. Newton iterations from the
 * normal quantile, kept inside a bisection bracket so heavy tails (df ≈ 1) converge.
 */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile needs 0 ≤ p ≤ 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  // solve for t < 0 with lowerTail(t) = p
  let hi = 0;
  let lo = Math.min(-1, normalQuantile(p));
  while (studentTCdf(lo, df) > p) {
    hi = lo;
    lo *= 2;
  }
  let t = Math.max(lo, Math.min(hi, normalQuantile(p)));
  for (let i = 0; i < 200; i += 1) {
    const f = studentTCdf(t, df) - p;
    if (f === 0) return t;
    if (f > 0) hi = t;
    else lo = t;
    let next = t - f / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - t) <= 1e-15 * Math.abs(t)) return next;
    t = next;
  }
  return t;
}
