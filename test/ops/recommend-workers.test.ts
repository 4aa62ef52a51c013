import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INITIAL_SCALING_STATE, recommendWorkers, type ScalingInput, type ScalingState } from '../../src/ops/scaling/recommend-workers.js';
import { DEFAULT_SCALING_OPTIONS, type ScalingOptions } from '../../src/ops/scaling/scaling-options.js';

// 10 jobs/s per worker, drain within 300 s: one worker per 3000 waiting jobs.
const input = (over: Partial<ScalingInput>): ScalingInput => ({
  now: 0,
  backlog: 0,
  oldestWaitingAgeMs: null,
  throughputPerSec: 10,
  currentWorkers: 1,
  ...over,
});

/** Evaluates every `everySec` seconds, applying each recommendation before the next evaluation. */
function run(backlogAt: (sec: number) => number, untilSec: number, everySec = 15, options: ScalingOptions = DEFAULT_SCALING_OPTIONS) {
  let state: ScalingState = INITIAL_SCALING_STATE;
  let workers = 1;
  const trace: { sec: number; workers: number; reason: string }[] = [];
  for (let sec = 0; sec <= untilSec; sec += everySec) {
    const result = recommendWorkers(state, input({ now: sec * 1000, backlog: backlogAt(sec), currentWorkers: workers }), options);
    state = result.state;
    workers = result.decision.desiredWorkers;
    trace.push({ sec, workers, reason: result.decision.reason });
  }
  return trace;
}

describe('worker scaling recommendation', () => {
  it('recommends more workers as the backlog grows, up to maxWorkers', () => {
    const desired = [0, 3000, 6000, 15_000, 30_000, 90_000].map(
      (backlog) => recommendWorkers(INITIAL_SCALING_STATE, input({ backlog, currentWorkers: 1 })).decision.desiredWorkers,
    );
    assert.deepEqual(desired, [1, 1, 2, 5, 10, 10]);
  });

  it('scales up at once and falls back only after the stabilization window has passed the last high recommendation', () => {
    // 30 000 waiting for the first minute (→ 10 workers), then empty.
    const trace = run((sec) => (sec < 60 ? 30_000 : 0), 900);
    assert.equal(trace[0]!.workers, 10);
    const lastHigh = 45;
    const firstDown = trace.find((t) => t.workers < 10)!;
    assert.ok(firstDown.sec >= lastHigh + DEFAULT_SCALING_OPTIONS.stabilizationWindowSec, `scaled down at ${firstDown.sec} s`);
    assert.equal(firstDown.sec, 345);
    assert.equal(firstDown.workers, 1);
    assert.ok(trace.filter((t) => t.sec > 60 && t.sec < 345).every((t) => t.reason === 'stabilizing'));
  });

  it('does not flap when the backlog oscillates between full and empty', () => {
    const trace = run((sec) => (Math.floor(sec / 15) % 2 === 0 ? 30_000 : 0), 1800);
    const changes = trace.filter((t, i) => i > 0 && t.workers !== trace[i - 1]!.workers).length;
    assert.equal(trace[0]!.workers, 10);
    assert.equal(changes, 0);
  });

  it('waits out the scale-down cooldown even when the stabilization window is shorter', () => {
    const options = { ...DEFAULT_SCALING_OPTIONS, stabilizationWindowSec: 30, scaleDownCooldownSec: 120 };
    const trace = run((sec) => (sec < 15 ? 30_000 : 0), 300, 15, options);
    // Scaled to 10 at 0 s, observed at 15 s: no scale-down before 15 + 120 s.
    const firstDown = trace.find((t) => t.workers < 10)!;
    assert.equal(firstDown.sec, 135);
    assert.ok(trace.some((t) => t.reason === 'scale_down_cooldown'));
  });

  it('holds a second scale-up until the scale-up cooldown has passed', () => {
    let { state } = recommendWorkers(INITIAL_SCALING_STATE, input({ now: 0, backlog: 6000, currentWorkers: 1 }));
    // The pool went 1 → 2 by 10 s; at 20 s the backlog jumped.
    ({ state } = recommendWorkers(state, input({ now: 10_000, backlog: 6000, currentWorkers: 2 })));
    const held = recommendWorkers(state, input({ now: 20_000, backlog: 24_000, currentWorkers: 2 }));
    assert.deepEqual([held.decision.desiredWorkers, held.decision.reason, held.decision.changed], [2, 'scale_up_cooldown', false]);
    const later = recommendWorkers(held.state, input({ now: 71_000, backlog: 24_000, currentWorkers: 2 }));
    assert.deepEqual([later.decision.desiredWorkers, later.decision.changed], [8, true]);
  });

  it('never recommends outside minWorkers and maxWorkers, even during a cooldown', () => {
    const options = { ...DEFAULT_SCALING_OPTIONS, minWorkers: 2, maxWorkers: 6 };
    let { state } = recommendWorkers(INITIAL_SCALING_STATE, input({ now: 0, backlog: 0, currentWorkers: 4 }), options);
    const above = recommendWorkers(state, input({ now: 1000, backlog: 0, currentWorkers: 9 }), options);
    assert.deepEqual([above.decision.desiredWorkers, above.decision.changed], [6, true]);
    ({ state } = above);
    const below = recommendWorkers(state, input({ now: 2000, backlog: 90_000, currentWorkers: 0 }), options);
    assert.equal(below.decision.desiredWorkers, 2);
    const idle = recommendWorkers(INITIAL_SCALING_STATE, input({ backlog: 0, currentWorkers: 2 }), options);
    assert.equal(idle.decision.desiredWorkers, 2);
  });

  it('grows the pool in proportion to how far the oldest job is past maxQueueAgeSec', () => {
    const { decision } = recommendWorkers(INITIAL_SCALING_STATE, input({ backlog: 3000, oldestWaitingAgeMs: 900_000, currentWorkers: 2 }));
    assert.deepEqual([decision.desiredWorkers, decision.reason], [3, 'queue_age']);
  });

  it('does not grow the pool past what the downstream can take', () => {
    const { decision } = recommendWorkers(INITIAL_SCALING_STATE, input({ backlog: 30_000, downstreamCapacityPerSec: 35, currentWorkers: 1 }));
    assert.deepEqual([decision.desiredWorkers, decision.reason], [4, 'downstream_capacity']);
  });

  it('leaves a count within the tolerance alone', () => {
    // 31 500 waiting wants 10.5 workers: within 10% of 10.
    const options = { ...DEFAULT_SCALING_OPTIONS, maxWorkers: 20 };
    const { decision } = recommendWorkers(INITIAL_SCALING_STATE, input({ backlog: 31_500, currentWorkers: 10 }), options);
    assert.deepEqual([decision.desiredWorkers, decision.reason, decision.changed], [10, 'within_tolerance', false]);
  });

  it('keeps using the last measured throughput when an interval measures none', () => {
    const { state } = recommendWorkers(INITIAL_SCALING_STATE, input({ backlog: 6000, throughputPerSec: 10 }));
    const { decision } = recommendWorkers(state, input({ now: 1000, backlog: 6000, throughputPerSec: null, currentWorkers: 2 }));
    assert.equal(decision.desiredWorkers, 2);
    const unknown = recommendWorkers(INITIAL_SCALING_STATE, input({ backlog: 6000, throughputPerSec: 0, currentWorkers: 0 }));
    assert.deepEqual([unknown.decision.desiredWorkers, unknown.decision.reason], [1, 'throughput_unknown']);
  });
});
