/** What the rate needs to know of a campaign: when it last started sending, and whether it still does. */
export interface RateSubject {
  status: string;
  launchedAt: Date | null;
  /** When the campaign last became `running` (its launch or its latest resume). */
  runningSince: Date | null;
  finishedAt: Date | null;
}

/** The send rate is measured over at most the last minute. */
export const RATE_WINDOW_MS = 60_000;

/**
 * The span the send rate is measured over: the last `windowMs` before now (or
 * before the campaign finished), but never before it started sending. A campaign
 * 34 s old is measured over 34 s, not over a minute of which it sent for half
 * (that read 7.6/s for a campaign sending 14/s). Null before the first send.
 */
export function rateWindow(c: RateSubject, now: Date, windowMs = RATE_WINDOW_MS): { from: Date; to: Date } | null {
  if (!c.launchedAt) return null;
  const to = c.finishedAt && c.finishedAt < now ? c.finishedAt : now;
  const start = c.status === 'running' && c.runningSince ? c.runningSince : c.launchedAt;
  const from = new Date(Math.max(to.getTime() - windowMs, start.getTime()));
  return from < to ? { from, to } : null;
}

/**
 * Deliveries per second over the window, and the seconds left at that rate.
 * ETA: 0 when nothing remains, null while the campaign is not sending (paused,
 * not launched) or has sent nothing yet, as no rate can be promised then.
 * Spans under a second are counted as one, so a first burst does not read as thousands per second.
 */
export function rateAndEta(c: RateSubject, window: { from: Date; to: Date } | null, deliveredInWindow: number, remaining: number) {
  const seconds = window ? Math.max(1, (window.to.getTime() - window.from.getTime()) / 1000) : 0;
  const ratePerSec = seconds > 0 ? deliveredInWindow / seconds : 0;
  const etaSec = remaining === 0 ? 0 : c.status === 'running' && ratePerSec > 0 ? Math.round(remaining / ratePerSec) : null;
  return { ratePerSec, etaSec, rateOverSec: Math.round(seconds) };
}
