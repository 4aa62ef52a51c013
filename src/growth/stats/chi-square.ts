import { regularizedGammaP, regularizedGammaQ } from './incomplete-gamma.js';

/** Chi-square CDF P(X ≤ x) with `df` degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chi-square needs df > 0, got ${df}`);
  return x <= 0 ? 0 : regularizedGammaP(df / 2, x / 2);
}

/** Chi-square upper tail P(X > x): the p-value of a chi-square statistic. */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chi-square needs df > 0, got ${df}`);
  return x <= 0 ? 1 : regularizedGammaQ(df / 2, x / 2);
}
