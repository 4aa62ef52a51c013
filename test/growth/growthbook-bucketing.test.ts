// Expected values are the GrowthBook SDK's published cases
// (github.com/growthbook/growthbook, packages/sdk-js/test/cases.json: "hash",
// "getBucketRange", "chooseVariation"), transcribed as [name/inputs, expected].
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assignArm, initialAllocation, reweightAllocation } from '../../src/growth/assignment.js';
import { chooseVariation, growthbookBucketRanges, growthbookHash } from '../../src/growth/growthbook-hash.js';

// cases.json "hash": [seed, value, version, expected]
const HASH_CASES: Array<[string, string, number, number | null]> = [
  ['', 'a', 1, 0.22],
  ['', 'b', 1, 0.077],
  ['b', 'a', 1, 0.946],
  ['ef', 'd', 1, 0.652],
  ['asdf', '8952klfjas09ujk', 1, 0.549],
  ['', '123', 1, 0.011],
  ['', '___)((*":&', 1, 0.563],
  ['seed', 'a', 2, 0.0505],
  ['seed', 'b', 2, 0.2696],
  ['foo', 'ab', 2, 0.2575],
  ['foo', 'def', 2, 0.2019],
  ['89123klj', '8952klfjas09ujkasdf', 2, 0.124],
  ['90850943850283058242805', '123', 2, 0.7516],
  ['()**(%$##$%#$#', '___)((*":&', 2, 0.0128],
  ['abc', 'def', 99, null],
];

// cases.json "getBucketRange": [name, [numVariations, coverage, weights], expected ranges]
const RANGE_CASES: Array<[string, [number, number, number[] | null], Array<[number, number]>]> = [
  ['normal 50/50', [2, 1, null], [[0, 0.5], [0.5, 1]]],
  ['reduced coverage', [2, 0.5, null], [[0, 0.25], [0.5, 0.75]]],
  ['zero coverage', [2, 0, null], [[0, 0], [0.5, 0.5]]],
  ['4 variations', [4, 1, null], [[0, 0.25], [0.25, 0.5], [0.5, 0.75], [0.75, 1]]],
  ['uneven weights', [2, 1, [0.4, 0.6]], [[0, 0.4], [0.4, 1]]],
  ['uneven weights, 3 variations', [3, 1, [0.2, 0.3, 0.5]], [[0, 0.2], [0.2, 0.5], [0.5, 1]]],
  ['uneven weights, reduced coverage, 3 variations', [3, 0.2, [0.2, 0.3, 0.5]], [[0, 0.04], [0.2, 0.26], [0.5, 0.6]]],
  ['negative coverage', [2, -0.2, null], [[0, 0], [0.5, 0.5]]],
  ['coverage above 1', [2, 1.5, null], [[0, 0.5], [0.5, 1]]],
  ['weights sum below 1', [2, 1, [0.4, 0.1]], [[0, 0.5], [0.5, 1]]],
  ['weights sum above 1', [2, 1, [0.7, 0.6]], [[0, 0.5], [0.5, 1]]],
  ['weights.length not equal to num variations', [4, 1, [0.4, 0.4, 0.2]], [[0, 0.25], [0.25, 0.5], [0.5, 0.75], [0.75, 1]]],
  ['weights sum almost equals 1', [2, 1, [0.4, 0.5999]], [[0, 0.4], [0.4, 0.9999]]],
];

// cases.json "chooseVariation": [name, n, ranges, expected]
const CHOOSE_CASES: Array<[string, number, Array<[number, number]>, number]> = [
  ['even range, 0.2', 0.2, [[0, 0.5], [0.5, 1]], 0],
  ['even range, 0.4', 0.4, [[0, 0.5], [0.5, 1]], 0],
  ['even range, 0.6', 0.6, [[0, 0.5], [0.5, 1]], 1],
  ['even range, 0.8', 0.8, [[0, 0.5], [0.5, 1]], 1],
  ['even range, 0', 0, [[0, 0.5], [0.5, 1]], 0],
  ['even range, 0.5', 0.5, [[0, 0.5], [0.5, 1]], 1],
  ['reduced range, 0.2', 0.2, [[0, 0.25], [0.5, 0.75]], 0],
  ['reduced range, 0.4', 0.4, [[0, 0.25], [0.5, 0.75]], -1],
  ['reduced range, 0.6', 0.6, [[0, 0.25], [0.5, 0.75]], 1],
  ['reduced range, 0.8', 0.8, [[0, 0.25], [0.5, 0.75]], -1],
  ['reduced range, 0.25', 0.25, [[0, 0.25], [0.5, 0.75]], -1],
  ['reduced range, 0.5', 0.5, [[0, 0.25], [0.5, 0.75]], 1],
  ['zero range', 0.5, [[0, 0.5], [0.5, 0.5], [0.5, 1]], 2],
];

// The SDK rounds ranges to 6 decimals before comparing in its own test runner.
const round6 = (ranges: Array<[number, number]>) => ranges.map(([a, b]) => [Number(a.toFixed(6)), Number(b.toFixed(6))]);

describe('GrowthBook SDK bucketing (sdk-js test/cases.json)', () => {
  for (const [seed, value, version, expected] of HASH_CASES) {
    it(`hash(${JSON.stringify(seed)}, ${JSON.stringify(value)}, ${version}) = ${expected}`, () => {
      assert.equal(growthbookHash(seed, value, version), expected);
    });
  }
  for (const [name, [n, coverage, weights], expected] of RANGE_CASES) {
    it(`getBucketRange: ${name}`, () => {
      assert.deepEqual(round6(growthbookBucketRanges(n, coverage, weights ?? undefined)), expected);
    });
  }
  for (const [name, n, ranges, expected] of CHOOSE_CASES) {
    it(`chooseVariation: ${name}`, () => {
      assert.equal(chooseVariation(n, ranges), expected);
    });
  }
});

describe('experiments bucketed the GrowthBook way', () => {
  const users = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
  const sdkArm = (key: string, user: string, names: string[], weights: number[]) =>
    names[chooseVariation(growthbookHash(key, user, 2) as number, growthbookBucketRanges(names.length, 1, weights))];

  for (const weights of [[0.5, 0.5], [0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.3333, 0.3333, 0.3334], [0.25, 0.25, 0.25, 0.25]]) {
    it(`puts every user in the SDK's arm for weights ${weights.join('/')}`, () => {
      const names = weights.map((_, i) => `arm${i}`);
      const allocation = initialAllocation(names.map((arm, i) => ({ arm, weight: weights[i] as number })));
      assert.equal(allocation.hash, 'growthbook-v2');
      for (const u of users) assert.equal(assignArm('gb-exp', u, allocation), sdkArm('gb-exp', u, names, weights), u);
    });
  }

  it('matches the SDK for weights on any scale (Flywheel normalises them)', () => {
    const allocation = initialAllocation([{ arm: 'control', weight: 2 }, { arm: 'b', weight: 1 }, { arm: 'c', weight: 1 }]);
    for (const u of users) assert.equal(assignArm('scale', u, allocation), sdkArm('scale', u, ['control', 'b', 'c'], [0.5, 0.25, 0.25]));
  });

  it('keeps the hash through a re-weighting, and SHA-256 experiments stay SHA-256', () => {
    const gb = initialAllocation([{ arm: 'A', weight: 1 }, { arm: 'B', weight: 1 }]);
    assert.equal(reweightAllocation(gb, [{ arm: 'A', weight: 3 }, { arm: 'B', weight: 1 }]).hash, 'growthbook-v2');
    const old = initialAllocation([{ arm: 'A', weight: 1 }, { arm: 'B', weight: 1 }], 10_000, 'sha256');
    const reweighted = reweightAllocation(old, [{ arm: 'A', weight: 3 }, { arm: 'B', weight: 1 }]);
    assert.equal(reweighted.hash, 'sha256');
    const differs = users.filter((u) => assignArm('k', u, old) !== assignArm('k', u, { ...old, hash: 'growthbook-v2' })).length;
    assert.ok(differs > users.length / 4, 'the two hashes bucket users differently, so the stored hash matters');
  });
});
