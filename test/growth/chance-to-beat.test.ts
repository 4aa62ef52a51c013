import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chanceToBeatControl, expectedLoss, probabilityBBeatsA } from '../../src/growth/stats/chance-to-beat.js';
import { assertClose } from './close-to.js';

describe('chance to beat control', () => {
  it('matches the closed form 2/3 for Beta(2,1) against a uniform posterior', () => {
    // P(pB > pA) with pA ~ U(0,1), pB ~ Beta(2,1): ∫ 2x · x dx = 2/3
    assertClose(probabilityBBeatsA({ alpha: 1, beta: 1 }, { alpha: 2, beta: 1 }), 2 / 3, 1e-14);
    assertClose(probabilityBBeatsA({ alpha: 2, beta: 1 }, { alpha: 1, beta: 1 }), 1 / 3, 1e-14);
  });

  it('is one half for identical data', () => {
    // ~1e-12 error: ln Γ near 5000 is ~4e4, so its last bit is worth ~1e-12
    assertClose(chanceToBeatControl({ exposures: 5000, conversions: 250 }, { exposures: 5000, conversions: 250 }), 0.5, 1e-10);
  });

  it('reproduces the published 97.3% for 150/5000 vs 185/5000 to within the calculator’s Monte Carlo error', () => {
    // calcbee.pages.dev "Bayesian A/B Test Calculator" default example: control Beta(151, 4851),
    // variant Beta(186, 4816), "P(B beats A) 97.3%" (Monte Carlo). Numerical integration
    // (scipy.integrate.quad of beta.pdf(x; 186, 4816)·beta.cdf(x; 151, 4851), error < 1e-13) gives 0.9740257579264427.
    const p = chanceToBeatControl({ exposures: 5000, conversions: 150 }, { exposures: 5000, conversions: 185 });
    assertClose(p, 0.9740257579264427, 1e-11, 'against numerical integration');
    assertClose(p, 0.973, 0.002, 'against the calculator');
  });

  it('stays accurate with tens of thousands of conversions', () => {
    const control = { exposures: 1_000_000, conversions: 50_000 };
    const variant = { exposures: 1_000_000, conversions: 50_400 };
    const p = chanceToBeatControl(control, variant);
    // scipy.integrate.quad on Beta(50401, 949601) vs Beta(50001, 950001): 0.9023941130374385
    assertClose(p, 0.9023941130374385, 1e-8);
  });
});

describe('expected loss', () => {
  it('matches the closed form 1/12 for Beta(2,1) against a uniform posterior', () => {
    // E[max(pA − pB, 0)], pA ~ U(0,1) (control), pB ~ Beta(2,1): ∫₀¹∫₀ᵃ (a − b)·2b db da = 1/12
    assertClose(expectedLoss({ exposures: 0, conversions: 0 }, { exposures: 1, conversions: 1 }), 1 / 12, 1e-14);
  });

  it('matches numerical integration on the calculator example in both directions', () => {
    // scipy.integrate.quad: E[max(pA − pB, 0)] = 3.5613082961835114e-05 and E[max(pB − pA, 0)] = 0.007032814202514003
    const a = { exposures: 5000, conversions: 150 };
    const b = { exposures: 5000, conversions: 185 };
    assertClose(expectedLoss(a, b), 3.5613082961835114e-5, 1e-12);
    assertClose(expectedLoss(b, a), 0.007032814202514003, 1e-12);
  });
});

describe('chance to beat control at scale', () => {
  const control = { exposures: 100_000_000, conversions: 10_000_000 };
  const variant = { exposures: 100_000_000, conversions: 10_001_000 };

  it('stays exact on 10^7 conversions', () => {
    // scipy.integrate.quad of f_B(x)·F_A(x) over mean ± 12 sd, Beta(10000001, 90000000) vs Beta(10001001, 89999000): 0.5931661074751667
    assertClose(chanceToBeatControl(control, variant), 0.5931661074751667, 1e-8);
  });

  it('takes under 10 ms on 10^7 conversions', () => {
    chanceToBeatControl(control, variant); // compile first: the figure is the steady-state cost
    const times = Array.from({ length: 5 }, () => {
      const start = performance.now();
      chanceToBeatControl(control, variant);
      return performance.now() - start;
    }).sort((a, b) => a - b);
    assert.ok((times[2] as number) < 10, `median ${times[2]} ms`);
  });
});
