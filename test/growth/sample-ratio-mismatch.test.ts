import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleRatioMismatch } from '../../src/growth/stats/sample-ratio-mismatch.js';
import { assertClose, assertRelClose } from './close-to.js';

describe('sample ratio mismatch', () => {
  it('reproduces the Wikipedia example: 600 vs 400 on a 50/50 split gives p = 2.54e-10', () => {
    // en.wikipedia.org "Sample ratio mismatch", Example section: p-value of 2.54 × 10⁻¹⁰
    const r = sampleRatioMismatch([600, 400], [0.5, 0.5]);
    assert.equal(r.chiSquare, 40);
    assert.equal(r.df, 1);
    assertRelClose(r.pValue, 2.54e-10, 0.002);
    assert.equal(r.mismatch, true);
  });

  it('reproduces the Kohavi, Tang & Xu example: 821,588 vs 815,482 gives p ≈ 1.8e-6', () => {
    // "Trustworthy Online Controlled Experiments" (2020), ch. 3: ratio 0.993, p-value 1.8E-6
    // (scipy.stats.chisquare([821588, 815482]) = 22.77436884189436, p = 1.8217928726191858e-06)
    const r = sampleRatioMismatch([821_588, 815_482], [50, 50]);
    assertClose(r.chiSquare, 22.77436884189436, 1e-8);
    assertRelClose(r.pValue, 1.8217928726191858e-6, 1e-10);
    assert.equal(r.mismatch, true);
  });

  it('does not flag a split that matches unequal weights within noise', () => {
    // scipy.stats.chisquare([7012, 1990, 998], f_exp=[7000, 2000, 1000]) → χ² = 0.0746, p = 0.9634
    const r = sampleRatioMismatch([7012, 1990, 998], [0.7, 0.2, 0.1]);
    assertClose(r.chiSquare, 0.0746, 0.0001);
    assert.equal(r.df, 2);
    assert.equal(r.mismatch, false);
  });

  it('flags any traffic in an arm configured with zero weight', () => {
    assert.equal(sampleRatioMismatch([500, 3], [1, 0]).mismatch, true);
  });
});

describe('sample ratio mismatch on degenerate counts', () => {
  it('names NaN and negative counts as invalid input, never "no mismatch"', () => {
    for (const counts of [[NaN, 100], [100, -1], [Infinity, 5]]) {
      const r = sampleRatioMismatch(counts, [1, 1]);
      assert.equal(r.state, 'invalid input');
      assert.match(r.reason ?? '', /exposures of arm/);
      assert.ok(Number.isNaN(r.pValue));
    }
  });

  it('says "not enough data" before any exposure', () => {
    const r = sampleRatioMismatch([0, 0], [1, 1]);
    assert.equal(r.state, 'not enough data');
    assert.equal(r.mismatch, false);
  });
});
