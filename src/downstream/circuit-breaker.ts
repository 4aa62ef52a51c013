/** Options of the per-downstream circuit breaker. */
export interface BreakerOptions {
  /** Consecutive failed requests (no answer, 5xx, 429) that open the circuit. @defaultValue 5 */
  failures: number;
  /** First hold once open; doubles on each failed probe. @defaultValue 1000 */
  openMs: number;
  /** @defaultValue 30000 */
  maxOpenMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = { failures: 5, openMs: 1000, maxOpenMs: 30_000 };

export interface BreakerState {
  status: 'closed' | 'open' | 'half_open';
  consecutiveFailures: number;
  openUntil: number;
  holdMs: number;
}

export const CLOSED: BreakerState = { status: 'closed', consecutiveFailures: 0, openUntil: 0, holdMs: 0 };

/** Whether a request may go now; once the hold is over, one probe goes (half open). Pure. */
export function admit(state: BreakerState, now: number): { ok: boolean; state: BreakerState; waitMs: number } {
  if (state.status === 'closed') return { ok: true, state, waitMs: 0 };
  if (state.status === 'open' && now >= state.openUntil) return { ok: true, state: { ...state, status: 'half_open' }, waitMs: 0 };
  // Half open: the probe is out; everything else waits for its answer.
  return { ok: false, state, waitMs: Math.max(50, state.openUntil - now) };
}

/**
 * A request's outcome. `failed` means the downstream could not take it (no answer,
 * 5xx, 429), not that the message was refused (4xx). Returns the new state and, when
 * the circuit (re)opens, how long to hold every sender.
 */
export function record(state: BreakerState, failed: boolean, now: number, o: BreakerOptions = DEFAULT_BREAKER_OPTIONS): { state: BreakerState; openedForMs: number | null } {
  if (!failed) return { state: CLOSED, openedForMs: null };
  if (state.status === 'half_open' || state.status === 'open') {
    const holdMs = Math.min(o.maxOpenMs, Math.max(o.openMs, state.holdMs * 2));
    return { state: { status: 'open', consecutiveFailures: state.consecutiveFailures + 1, openUntil: now + holdMs, holdMs }, openedForMs: holdMs };
  }
  const consecutiveFailures = state.consecutiveFailures + 1;
  if (consecutiveFailures < o.failures) return { state: { ...state, consecutiveFailures }, openedForMs: null };
  return { state: { status: 'open', consecutiveFailures, openUntil: now + o.openMs, holdMs: o.openMs }, openedForMs: o.openMs };
}
