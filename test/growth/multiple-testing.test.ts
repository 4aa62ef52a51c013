import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { benjaminiHochbergAdjust } from '../../src/growth/stats/benjamini-hochberg.js';
import { holmAdjust } from '../../src/growth/stats/holm.js';
import { assertClose } from './close-to.js';

// Benjamini & Hochberg (1995), JRSS B 57(1), §4.1: fifteen p-values from a
// multiple-endpoint study; at level 0.05 their procedure rejects the four
// smallest while Bonferroni-type procedures (Holm) reject three.
const BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0];

describe('Holm correction', () => {
  it('rejects three of the Benjamini–Hochberg 1995 example hypotheses at 0.05', () => {
    const adjusted = holmAdjust(BH_1995);
    assert.equal(adjusted.filter((p) => p <= 0.05).length, 3);
    // R p.adjust(p, "holm") semantics: 15·0.0001, 14·0.0004, 13·0.0019, 12·0.0095, …
    [0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.278, 0.278, 0.278, 0.3213, 1].forEach((want, i) => assertClose(adjusted[i] as number, want, 1e-12));
  });

  it('returns adjusted p-values in input order', () => {
    assert.deepEqual(holmAdjust([0.04, 0.01, 0.03]), [0.06, 0.03, 0.06]);
  });
});

describe('Benjamini–Hochberg correction', () => {
  it('rejects four of the Benjamini–Hochberg 1995 example hypotheses at 0.05', () => {
    const adjusted = benjaminiHochbergAdjust(BH_1995);
    assert.equal(adjusted.filter((p) => p <= 0.05).length, 4);
    // R p.adjust(p, "BH") semantics: min over j ≥ i of 15·p(j)/j
    [0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.06385714285714286].forEach((want, i) => assertClose(adjusted[i] as number, want, 1e-12));
  });

  it('returns adjusted p-values in input order', () => {
    assert.deepEqual(benjaminiHochbergAdjust([0.04, 0.01, 0.03]), [0.04, 0.03, 0.04]);
  });
});
