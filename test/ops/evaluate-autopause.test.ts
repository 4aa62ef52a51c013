import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_AUTOPAUSE_OPTIONS, type AutopauseOptions } from '../../src/ops/autopause/autopause-options.js';
import {
  INITIAL_AUTOPAUSE_STATE,
  approveResume,
  evaluateAutopause,
  type AutopauseEvent,
  type AutopauseState,
  type AutopauseWindow,
} from '../../src/ops/autopause/evaluate-autopause.js';

// Defaults: p95 2000 ms, error rate 5%, backlog age 900 s; pause after 3, resume after 5; margin 0.8.
const healthy: AutopauseWindow = { count: 100, p95LatencyMs: 400, errorRate: 0.01, backlogAgeSec: 30 };
const slow: AutopauseWindow = { ...healthy, p95LatencyMs: 2500 };

function feed(windows: AutopauseWindow[], options: AutopauseOptions = DEFAULT_AUTOPAUSE_OPTIONS, from: AutopauseState = INITIAL_AUTOPAUSE_STATE) {
  let state = from;
  const events: (AutopauseEvent | null)[] = [];
  windows.forEach((window, i) => {
    const result = evaluateAutopause(state, window, i * 60_000, options);
    state = result.state;
    events.push(result.event);
  });
  return { state, events };
}

const times = (n: number, w: AutopauseWindow) => Array.from({ length: n }, () => w);

describe('campaign auto-pause', () => {
  it('pauses after three consecutive breaching windows with a reason naming the threshold and the values', () => {
    const { state, events } = feed(times(3, slow));
    assert.deepEqual(events.slice(0, 2), [null, null]);
    assert.deepEqual(events[2], { type: 'pause', reason: '3 consecutive windows over threshold: p95 latency 2500 ms > 2000 ms' });
    assert.deepEqual([state.status, state.pausedAt, state.pausedFor], ['paused', 120_000, ['p95LatencyMs']]);
  });

  it('names every threshold breached in the deciding window', () => {
    const bad = { count: 50, p95LatencyMs: 3100, errorRate: 0.125, backlogAgeSec: 1200 };
    const { events } = feed(times(3, bad));
    assert.equal(
      events[2]?.reason,
      '3 consecutive windows over threshold: p95 latency 3100 ms > 2000 ms, error rate 12.5% > 5.0%, backlog age 1200 s > 900 s',
    );
  });

  it('starts counting again after a window under the thresholds', () => {
    const { state, events } = feed([slow, slow, healthy, slow, slow]);
    assert.ok(events.every((e) => e === null));
    assert.deepEqual([state.status, state.breachStreak], ['running', 2]);
  });

  it('does not judge latency or error rate on windows with too few samples, and they do not break a streak', () => {
    const sparse = { count: 3, p95LatencyMs: 9000, errorRate: 0.67, backlogAgeSec: null };
    const { state, events } = feed([slow, sparse, slow, sparse, slow]);
    assert.equal(events[4]?.type, 'pause');
    assert.equal(feed(times(10, sparse)).state.status, 'running');
    assert.equal(state.status, 'paused');
  });

  it('does not let a sparse window with a fresh backlog break a latency streak, but counts a sparse window with an old one', () => {
    const sparseFresh = { count: 2, p95LatencyMs: 100, errorRate: 0, backlogAgeSec: 10 };
    assert.equal(feed([slow, slow, sparseFresh, slow]).events[3]?.type, 'pause');
    const sparseOld = { ...sparseFresh, backlogAgeSec: 1000 };
    const { events } = feed(times(3, sparseOld));
    assert.deepEqual(events[2], { type: 'pause', reason: '3 consecutive windows over threshold: backlog age 1000 s > 900 s' });
  });

  it('asks for approval after five healthy windows when auto-resume is off, and only once', () => {
    const paused = feed(times(3, slow)).state;
    const { state, events } = feed(times(8, healthy), DEFAULT_AUTOPAUSE_OPTIONS, paused);
    assert.deepEqual(events.slice(0, 4), [null, null, null, null]);
    assert.equal(events[4]?.type, 'resume_needs_approval');
    assert.match(events[4]!.reason, /^5 consecutive healthy windows: p95 latency 400 ms ≤ 1600 ms, error rate 1\.0% ≤ 4\.0%$/);
    assert.deepEqual(events.slice(5), [null, null, null]);
    assert.equal(state.status, 'awaiting_approval');
    const approved = approveResume(state, 'ops-lead');
    assert.deepEqual([approved.state.status, approved.event?.type, approved.event?.reason], ['running', 'resume', 'resume approved by ops-lead']);
  });

  it('resumes on its own after five healthy windows when auto-resume is configured', () => {
    const options = { ...DEFAULT_AUTOPAUSE_OPTIONS, autoResume: true };
    const paused = feed(times(3, slow), options).state;
    const { state, events } = feed(times(5, healthy), options, paused);
    assert.equal(events[4]?.type, 'resume');
    assert.deepEqual(state, INITIAL_AUTOPAUSE_STATE);
  });

  it('needs windows under 80% of the thresholds to count towards a resume, and a window above that resets the count', () => {
    const options = { ...DEFAULT_AUTOPAUSE_OPTIONS, autoResume: true };
    const paused = feed(times(3, slow), options).state;
    const borderline = { ...healthy, p95LatencyMs: 1800 };
    assert.ok(feed(times(10, borderline), options, paused).events.every((e) => e === null));
    const { events } = feed([...times(4, healthy), borderline, ...times(4, healthy)], options, paused);
    assert.ok(events.every((e) => e === null));
  });

  it('withdraws a pending resume request when the campaign breaches again', () => {
    const paused = feed(times(3, slow)).state;
    const awaiting = feed(times(5, healthy), DEFAULT_AUTOPAUSE_OPTIONS, paused).state;
    const { state, event } = evaluateAutopause(awaiting, { ...healthy, errorRate: 0.2 }, 0);
    assert.deepEqual(event, { type: 'resume_withdrawn', reason: 'breached again while awaiting approval: error rate 20.0% > 5.0%' });
    assert.equal(state.status, 'paused');
  });

  it('ignores backlog age while paused and asks for approval after a backlog-age pause even with auto-resume on', () => {
    const options = { ...DEFAULT_AUTOPAUSE_OPTIONS, autoResume: true };
    const aged = { ...healthy, backlogAgeSec: 1000 };
    const paused = feed(times(3, aged), options).state;
    assert.deepEqual(paused.pausedFor, ['backlogAgeSec']);
    // The backlog keeps ageing while paused; latency and error rate are fine.
    const { state, events } = feed(times(5, { ...healthy, backlogAgeSec: 5000 }), options, paused);
    assert.equal(events[4]?.type, 'resume_needs_approval');
    assert.match(events[4]!.reason, /paused for backlog age/);
    assert.equal(state.status, 'awaiting_approval');
  });

  it('skips a threshold set to null', () => {
    const options = { ...DEFAULT_AUTOPAUSE_OPTIONS, thresholds: { ...DEFAULT_AUTOPAUSE_OPTIONS.thresholds, p95LatencyMs: null } };
    assert.equal(feed(times(5, slow), options).state.status, 'running');
  });

  it('leaves a running campaign alone when a resume is approved', () => {
    assert.deepEqual(approveResume(INITIAL_AUTOPAUSE_STATE, 'someone'), { state: INITIAL_AUTOPAUSE_STATE, event: null });
  });
});
