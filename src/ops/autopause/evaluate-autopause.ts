import type { WindowStats } from '../window-stats.js';
import { DEFAULT_AUTOPAUSE_OPTIONS, type AutopauseOptions, type AutopauseThresholds } from './autopause-options.js';

/** One campaign's window: its delivery stats plus the age of its oldest waiting job. */
export type AutopauseWindow = Pick<WindowStats, 'count' | 'p95LatencyMs' | 'errorRate'> & { backlogAgeSec: number | null };

export type AutopauseMetric = keyof AutopauseThresholds;

export interface AutopauseState {
  status: 'running' | 'paused' | 'awaiting_approval';
  breachStreak: number;
  healthyStreak: number;
  pausedAt: number | null;
  /** The thresholds breached when the pause was decided. */
  pausedFor: AutopauseMetric[];
}

export type AutopauseEvent =
  | { type: 'pause'; reason: string }
  | { type: 'resume'; reason: string }
  | { type: 'resume_needs_approval'; reason: string }
  /** A resume was awaiting approval and the campaign breached again: the request is void. */
  | { type: 'resume_withdrawn'; reason: string };

export const INITIAL_AUTOPAUSE_STATE: AutopauseState = { status: 'running', breachStreak: 0, healthyStreak: 0, pausedAt: null, pausedFor: [] };

interface Reading {
  metric: AutopauseMetric;
  value: number;
  threshold: number;
}

const NAMES: Record<AutopauseMetric, string> = { p95LatencyMs: 'p95 latency', errorRate: 'error rate', backlogAgeSec: 'backlog age' };
const VALUES: Record<AutopauseMetric, (v: number) => string> = {
  p95LatencyMs: (v) => `${Math.round(v)} ms`,
  errorRate: (v) => `${(v * 100).toFixed(1)}%`,
  backlogAgeSec: (v) => `${Math.round(v)} s`,
};

/**
 * The metrics a window can be judged on. Latency and error rate need `minSamples`;
 * backlog age is not judged while paused, since the pause itself ages the backlog.
 */
function readings(window: AutopauseWindow, status: AutopauseState['status'], o: AutopauseOptions): Reading[] {
  const t = o.thresholds;
  const out: Reading[] = [];
  const sampled = window.count >= o.minSamples;
  if (sampled && t.p95LatencyMs !== null && window.p95LatencyMs !== null) out.push({ metric: 'p95LatencyMs', value: window.p95LatencyMs, threshold: t.p95LatencyMs });
  if (sampled && t.errorRate !== null) out.push({ metric: 'errorRate', value: window.errorRate, threshold: t.errorRate });
  if (status === 'running' && t.backlogAgeSec !== null && window.backlogAgeSec !== null) {
    out.push({ metric: 'backlogAgeSec', value: window.backlogAgeSec, threshold: t.backlogAgeSec });
  }
  return out;
}

/**
 * One window of one campaign. Pauses after `breachWindows` consecutive windows over a
 * threshold; once paused, after `healthyWindows` consecutive windows under
 * `resumeMargin` × every threshold, resumes (autoResume) or emits
 * 'resume_needs_approval'. Windows with nothing to judge, and sparse windows without
 * a breach, leave both streaks as they are. A pause caused by backlog age always asks for approval: that metric cannot be
 * seen to recover while paused.
 */
export function evaluateAutopause(
  state: AutopauseState,
  window: AutopauseWindow,
  now: number,
  options: AutopauseOptions = DEFAULT_AUTOPAUSE_OPTIONS,
): { state: AutopauseState; event: AutopauseEvent | null } {
  const o = options;
  const judged = readings(window, state.status, o);
  if (judged.length === 0) return { state, event: null };
  const breaches = judged.filter((r) => r.value > r.threshold);
  // A sparse window may add evidence of a breach (an old backlog) but never of health.
  if (breaches.length === 0 && window.count < o.minSamples) return { state, event: null };
  const describe = (r: Reading, limit: number, op: string) => `${NAMES[r.metric]} ${VALUES[r.metric](r.value)} ${op} ${VALUES[r.metric](limit)}`;

  if (state.status === 'running') {
    if (breaches.length === 0) return { state: { ...state, breachStreak: 0 }, event: null };
    const breachStreak = state.breachStreak + 1;
    if (breachStreak < o.breachWindows) return { state: { ...state, breachStreak }, event: null };
    const reason = `${breachStreak} consecutive windows over threshold: ${breaches.map((r) => describe(r, r.threshold, '>')).join(', ')}`;
    return {
      state: { status: 'paused', breachStreak: 0, healthyStreak: 0, pausedAt: now, pausedFor: breaches.map((r) => r.metric) },
      event: { type: 'pause', reason },
    };
  }

  if (breaches.length > 0) {
    const paused: AutopauseState = { ...state, status: 'paused', healthyStreak: 0 };
    if (state.status !== 'awaiting_approval') return { state: paused, event: null };
    const reason = `breached again while awaiting approval: ${breaches.map((r) => describe(r, r.threshold, '>')).join(', ')}`;
    return { state: paused, event: { type: 'resume_withdrawn', reason } };
  }
  const healthy = judged.every((r) => r.value <= r.threshold * o.resumeMargin);
  if (!healthy) return { state: { ...state, healthyStreak: 0 }, event: null };
  if (state.status === 'awaiting_approval') return { state, event: null };
  const healthyStreak = state.healthyStreak + 1;
  if (healthyStreak < o.healthyWindows) return { state: { ...state, healthyStreak }, event: null };

  const evidence = `${healthyStreak} consecutive healthy windows: ${judged.map((r) => describe(r, r.threshold * o.resumeMargin, '≤')).join(', ')}`;
  if (o.autoResume && !state.pausedFor.includes('backlogAgeSec')) {
    return { state: INITIAL_AUTOPAUSE_STATE, event: { type: 'resume', reason: evidence } };
  }
  const why = o.autoResume ? '; paused for backlog age, which cannot recover while paused' : '';
  return {
    state: { ...state, status: 'awaiting_approval', healthyStreak },
    event: { type: 'resume_needs_approval', reason: `${evidence}${why}` },
  };
}

/** An operator's approval (or override) of a resume; a running campaign is left alone. */
export function approveResume(state: AutopauseState, approvedBy: string): { state: AutopauseState; event: AutopauseEvent | null } {
  if (state.status === 'running') return { state, event: null };
  return { state: INITIAL_AUTOPAUSE_STATE, event: { type: 'resume', reason: `resume approved by ${approvedBy}` } };
}
