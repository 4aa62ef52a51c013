import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chiSquareCdf, chiSquareSf } from '../../src/growth/stats/chi-square.js';
import { regularizedBeta } from '../../src/growth/stats/incomplete-beta.js';
import { regularizedGammaP, regularizedGammaQ } from '../../src/growth/stats/incomplete-gamma.js';
import { logBeta, logGamma } from '../../src/growth/stats/log-gamma.js';
import { normalCdf, normalQuantile, normalSf } from '../../src/growth/stats/normal.js';
import { studentTCdf, studentTQuantile } from '../../src/growth/stats/student-t.js';
import { assertClose, assertRelClose } from './close-to.js';

// Reference values: closed forms where they exist; otherwise R (the value R
// prints, 7 significant digits) and the full-precision scipy 1.17.1 output
// (scipy.stats.norm / t / chi2) that agrees with it. Printed table values
// (e.g. Abramowitz & Stegun tables 26.1, 26.7, 26.8) are quoted alongside.

describe('log-gamma and incomplete gamma/beta', () => {
  it('matches closed forms for the gamma and beta functions', () => {
    assertRelClose(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14, 'lnΓ(½) = ln√π');
    assertRelClose(logGamma(10), Math.log(362880), 1e-14, 'lnΓ(10) = ln 9!');
    assertRelClose(logGamma(171.5), 709.1431630309283, 1e-14, 'lnΓ(171.5) (scipy.special.gammaln)');
    assertRelClose(logBeta(2, 3), Math.log(1 / 12), 1e-13, 'B(2,3) = 1/12');
  });

  it('matches closed forms for the regularized incomplete gamma and beta functions', () => {
    for (const x of [0.01, 0.5, 2, 7.5, 40]) {
      assertRelClose(regularizedGammaP(1, x), -Math.expm1(-x), 1e-13, `P(1, ${x}) = 1 − e^−x`);
      assertRelClose(regularizedGammaQ(1, x), Math.exp(-x), 1e-12, `Q(1, ${x}) = e^−x`);
    }
    // I_0.4(2, 3) = Σ_{j=2..4} C(4, j)·0.4^j·0.6^(4−j) = 0.3456 + 0.1536 + 0.0256
    assertClose(regularizedBeta(0.4, 2, 3), 0.5248, 1e-14, 'I_0.4(2, 3)');
    assertClose(regularizedBeta(0.5, 7, 7), 0.5, 1e-15, 'I_0.5(a, a) = ½ by symmetry');
  });
});

describe('normal distribution', () => {
  it('reproduces published standard normal CDF values in both tails', () => {
    // table: Φ(1.96) = 0.9750; scipy.stats.norm.cdf(1.96) = 0.9750021048517795
    assertClose(normalCdf(1.96), 0.9750021048517795, 1e-15, 'Φ(1.96)');
    // R pnorm(-5) = 2.866516e-07; scipy 2.866515718791933e-07
    assertRelClose(normalCdf(-5), 2.866515718791933e-7, 1e-12, 'Φ(−5)');
    // scipy.stats.norm.cdf(-20) = 2.7536241186061556e-89
    assertRelClose(normalCdf(-20), 2.7536241186061556e-89, 1e-12, 'Φ(−20)');
    assertRelClose(normalSf(5), 2.866515718791933e-7, 1e-12, '1 − Φ(5)');
    assert.equal(normalCdf(0), 0.5);
  });

  it('inverts the normal CDF to full double precision', () => {
    // R qnorm(0.975) = 1.959964; scipy 1.959963984540054
    assertClose(normalQuantile(0.975), 1.959963984540054, 1e-14, 'z 0.975');
    // R qnorm(0.3) = -0.5244005; scipy -0.5244005127080409
    assertClose(normalQuantile(0.3), -0.5244005127080409, 1e-14, 'z 0.3');
    // R qnorm(1e-10) = -6.361341; scipy -6.361340902404056
    assertClose(normalQuantile(1e-10), -6.361340902404056, 1e-12, 'z 1e-10');
    // scipy.stats.norm.ppf(1e-300) = -37.0470962993612
    assertClose(normalQuantile(1e-300), -37.0470962993612, 1e-10, 'z 1e-300');
    for (const p of [1e-6, 0.01, 0.2, 0.5, 0.8, 0.99]) assertRelClose(normalCdf(normalQuantile(p)), p, 1e-13, `Φ(Φ⁻¹(${p}))`);
  });
});

describe('Student t distribution', () => {
  it('reproduces published t CDF values', () => {
    // Cauchy (df = 1): P(T ≤ 1) = ¾ exactly
    assertClose(studentTCdf(1, 1), 0.75, 1e-15, 'pt(1, 1)');
    // scipy.stats.t.cdf(2.228, 10) = 0.9749941140914443 (table: t₀.₉₇₅,₁₀ = 2.228)
    assertClose(studentTCdf(2.228, 10), 0.9749941140914443, 1e-14, 'pt(2.228, 10)');
    // fractional df, R sleep-data Welch test (see uplift tests): pt(-1.8608, 17.776) ≈ 0.0397
    assertClose(studentTCdf(-1.8608134674868526, 17.776473516178488), 0.03969707009367915, 1e-14, 'pt(−1.8608, 17.776)');
    // near 0 the complement form keeps precision: scipy t.cdf(0.001, 5) = 0.5003796066139012
    assertClose(studentTCdf(0.001, 5), 0.5003796066139012, 1e-15, 'pt(0.001, 5)');
  });

  it('reproduces published t quantiles', () => {
    // table t₀.₉₇₅,₁₀ = 2.228; R qt(0.975, 10) = 2.228139; scipy 2.228138851986274
    assertClose(studentTQuantile(0.975, 10), 2.228138851986274, 1e-12, 'qt(0.975, 10)');
    // table t₀.₉₇₅,₁ = 12.706; scipy 12.706204736174694
    assertClose(studentTQuantile(0.975, 1), 12.706204736174694, 1e-10, 'qt(0.975, 1)');
    // table t₀.₉₉₅,₃₀ = 2.750; scipy 2.7499956535672254
    assertClose(studentTQuantile(0.995, 30), 2.7499956535672254, 1e-12, 'qt(0.995, 30)');
    // heavy tail: scipy t.ppf(1e-8, 3) = -479.5250695797382
    assertRelClose(studentTQuantile(1e-8, 3), -479.5250695797382, 1e-11, 'qt(1e-8, 3)');
  });
});

describe('chi-square distribution', () => {
  it('reproduces published chi-square critical values and tail probabilities', () => {
    // table χ²₀.₉₅,₁ = 3.841; R qchisq(0.95, 1) = 3.841459 (scipy 3.841458820694124)
    assertClose(chiSquareCdf(3.841458820694124, 1), 0.95, 1e-14, 'pchisq(3.8415, 1)');
    // table χ²₀.₉₅,₁₀ = 18.307; scipy 18.307038053275146
    assertClose(chiSquareCdf(18.307038053275146, 10), 0.95, 1e-14, 'pchisq(18.307, 10)');
    // table χ²₀.₉₉₉,₁ = 10.828, the usual SRM cut-off; scipy 10.827566170662733
    assertClose(chiSquareSf(10.827566170662733, 1), 0.001, 1e-15, 'upper tail at 10.828');
    // Wikipedia "Sample ratio mismatch" example: χ² = 40 on 1 df → p = 2.54 × 10⁻¹⁰ (scipy 2.5396285894708634e-10)
    assertRelClose(chiSquareSf(40, 1), 2.5396285894708634e-10, 1e-12, 'pchisq(40, 1, lower = FALSE)');
  });
});
