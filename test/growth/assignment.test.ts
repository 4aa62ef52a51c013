import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { armAt, assignArm, initialAllocation, movedShare, reweightAllocation, slotCounts } from '../../src/growth/assignment.js';
import { bucketOf, hashToUnit } from '../../src/growth/hash-to-unit.js';
import { sampleRatioMismatch } from '../../src/growth/stats/sample-ratio-mismatch.js';

const USERS = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);

function countArms(key: string, allocation: ReturnType<typeof initialAllocation>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const u of USERS) {
    const arm = assignArm(key, u, allocation);
    counts.set(arm, (counts.get(arm) ?? 0) + 1);
  }
  return counts;
}

describe('hashToUnit', () => {
  it('reads the first 52 bits of SHA-256 as a fraction of 2^52', () => {
    // sha256("") = e3b0c44298fc1c14…: first 13 hex digits e3b0c44298fc1
    assert.equal(hashToUnit(''), 0xe3b0c44298fc1 / 2 ** 52);
    assert.equal(bucketOf('exp', 'u1'), hashToUnit('exp:u1'));
  });

  it('stays in [0, 1) and is uniform enough for bucketing', () => {
    const deciles = new Array<number>(10).fill(0);
    for (const u of USERS) {
      const x = bucketOf('uniformity', u);
      assert.ok(x >= 0 && x < 1);
      const d = Math.floor(x * 10);
      deciles[d] = (deciles[d] as number) + 1;
    }
    assert.equal(sampleRatioMismatch(deciles, new Array<number>(10).fill(1)).mismatch, false);
  });
});

describe('arm assignment', () => {
  const arms = [
    { arm: 'control', weight: 50 },
    { arm: 'points', weight: 30 },
    { arm: 'streak', weight: 20 },
  ];
  const allocation = initialAllocation(arms);

  it('gives the same user the same arm on every call', () => {
    for (const u of USERS.slice(0, 1000)) {
      const first = assignArm('exp-1', u, allocation);
      for (let i = 0; i < 3; i += 1) assert.equal(assignArm('exp-1', u, initialAllocation(arms)), first);
    }
  });

  it('buckets users independently per experiment key', () => {
    const same = USERS.slice(0, 10_000).filter((u) => assignArm('exp-a', u, allocation) === assignArm('exp-b', u, allocation)).length;
    // independent 50/30/20 assignments agree with probability 0.25 + 0.09 + 0.04 = 0.38
    assert.ok(Math.abs(same / 10_000 - 0.38) < 4 * Math.sqrt((0.38 * 0.62) / 10_000));
  });

  it('respects weights on 100k users within 4 sigma and passes a chi-square check', () => {
    const counts = countArms('exp-weights', allocation);
    for (const { arm, weight } of arms) {
      const p = weight / 100;
      const sigma = Math.sqrt(USERS.length * p * (1 - p));
      const got = counts.get(arm) ?? 0;
      assert.ok(Math.abs(got - USERS.length * p) < 4 * sigma, `${arm}: ${got} vs ${USERS.length * p} ± ${4 * sigma}`);
    }
    const srm = sampleRatioMismatch(arms.map((a) => counts.get(a.arm) ?? 0), arms.map((a) => a.weight));
    assert.equal(srm.mismatch, false, `χ² p = ${srm.pValue}`);
  });

  it('rounds weights to slots exactly, with counts summing to the resolution', () => {
    const counts = slotCounts([{ arm: 'a', weight: 1 }, { arm: 'b', weight: 1 }, { arm: 'c', weight: 1 }], 10_000);
    assert.deepEqual([...counts.values()], [3334, 3333, 3333]);
  });
});

describe('re-weighting', () => {
  it('moves about 10% of users, not ~50%, when 50/50 becomes 60/40', () => {
    const before = initialAllocation([{ arm: 'A', weight: 50 }, { arm: 'B', weight: 50 }]);
    const after = reweightAllocation(before, [{ arm: 'A', weight: 60 }, { arm: 'B', weight: 40 }]);
    assert.equal(movedShare(before, after), 0.1);
    const moved = USERS.filter((u) => assignArm('reweight', u, before) !== assignArm('reweight', u, after)).length / USERS.length;
    assert.ok(Math.abs(moved - 0.1) < 4 * Math.sqrt((0.1 * 0.9) / USERS.length), `moved ${moved}`);
    // only B users moved, all to A
    for (const u of USERS.slice(0, 5000)) {
      if (assignArm('reweight', u, before) !== assignArm('reweight', u, after)) {
        assert.deepEqual([assignArm('reweight', u, before), assignArm('reweight', u, after)], ['B', 'A']);
      }
    }
  });

  it('moves exactly the total-variation distance, less than recomputing cumulative ranges', () => {
    const before = initialAllocation([{ arm: 'A', weight: 34 }, { arm: 'B', weight: 33 }, { arm: 'C', weight: 33 }], 10_000, 'sha256');
    const next = [{ arm: 'A', weight: 20 }, { arm: 'B', weight: 40 }, { arm: 'C', weight: 40 }];
    const after = reweightAllocation(before, next);
    assert.equal(movedShare(before, after), 0.14); // TV distance = 0.34 − 0.20
    assert.ok(Math.abs(movedShare(before, initialAllocation(next, 10_000, 'sha256')) - 0.21) < 1e-12, 'naive cumulative ranges move 0.21');
  });

  it('moves only the removed arm’s users when an arm is stopped', () => {
    const before = initialAllocation([{ arm: 'A', weight: 1 }, { arm: 'B', weight: 1 }, { arm: 'C', weight: 1 }]);
    const after = reweightAllocation(before, [{ arm: 'A', weight: 1 }, { arm: 'C', weight: 1 }]);
    for (const u of USERS.slice(0, 20_000)) {
      const was = assignArm('stop', u, before);
      if (was !== 'B') assert.equal(assignArm('stop', u, after), was);
    }
    assert.ok(!after.segments.some((s) => s.arm === 'B'));
  });

  it('keeps covering the whole bucket space through many random re-weightings', () => {
    let allocation = initialAllocation([{ arm: 'A', weight: 1 }, { arm: 'B', weight: 1 }]);
    const names = ['A', 'B', 'C', 'D'];
    for (let step = 0; step < 200; step += 1) {
      const arms = names.slice(0, 2 + (step % 3)).map((arm, i) => ({ arm, weight: ((step * 7 + i * 13) % 10) + 1 }));
      const next = reweightAllocation(allocation, arms);
      const targets = slotCounts(arms, next.slots);
      let cursor = 0;
      const owned = new Map<string, number>();
      for (const s of next.segments) {
        assert.equal(s.start, cursor);
        cursor = s.end;
        owned.set(s.arm, (owned.get(s.arm) ?? 0) + s.end - s.start);
      }
      assert.equal(cursor, next.slots);
      assert.deepEqual(owned, new Map([...targets].filter(([, c]) => c > 0)));
      allocation = next;
    }
    assert.equal(armAt(allocation, 0.999999), allocation.segments[allocation.segments.length - 1]?.arm);
  });
});
