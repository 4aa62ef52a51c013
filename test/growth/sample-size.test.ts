import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleSizePerArm } from '../../src/growth/stats/sample-size.js';
import { assertClose } from './close-to.js';

describe('minimum sample size per arm', () => {
  it("reproduces R's power.prop.test(p1 = .50, p2 = .75, power = .90) example: n = 76.7", () => {
    // R documentation of stats::power.prop.test, Examples: "## => n = 76.7"
    const n = sampleSizePerArm({ baselineRate: 0.5, minDetectableEffect: 0.25, power: 0.9 });
    assertClose(n.exact, 76.7, 0.05);
    assert.equal(n.perArm, 77);
  });

  it("reproduces Evan Miller's calculator: 20% baseline, 5 points absolute, α 5%, power 80% → 1,030 per variation", () => {
    // evanmiller.org/ab-testing/sample-size.html with its default inputs shows "1,030" per variation
    const n = sampleSizePerArm({ baselineRate: 0.2, minDetectableEffect: 0.05, nullVariance: 'baseline' });
    assert.equal(Math.round(n.exact), 1030);
  });

  it('treats a relative effect as a fraction of the baseline rate', () => {
    const absolute = sampleSizePerArm({ baselineRate: 0.2, minDetectableEffect: 0.05 });
    const relative = sampleSizePerArm({ baselineRate: 0.2, minDetectableEffect: 0.25, effectType: 'relative' });
    assertClose(relative.exact, absolute.exact, 1e-9);
  });

  it('needs more users for smaller effects and for more power', () => {
    const base = sampleSizePerArm({ baselineRate: 0.05, minDetectableEffect: 0.1, effectType: 'relative' }).perArm;
    assert.ok(sampleSizePerArm({ baselineRate: 0.05, minDetectableEffect: 0.05, effectType: 'relative' }).perArm > 3.5 * base);
    assert.ok(sampleSizePerArm({ baselineRate: 0.05, minDetectableEffect: 0.1, effectType: 'relative', power: 0.9 }).perArm > base);
  });

  it('rejects effects that push the rate outside (0, 1)', () => {
    assert.throws(() => sampleSizePerArm({ baselineRate: 0.9, minDetectableEffect: 0.2 }), RangeError);
  });
});
