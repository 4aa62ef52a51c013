import { isAtLeast, type Priority } from '../vocabulary/priorities.js';

/** Shaped like `config.approvals`, which can be passed as is. */
export interface TimeoutConfig {
  /**
   * How long a request of each priority waits for a decision, in seconds.
   * @defaultValue critical 900 (15 min), high 3600 (1 h), normal 14 400 (4 h), low 86 400 (24 h)
   */
  timeoutsSec: Record<Priority, number>;
  /** Share of the timeout after which a still-pending request is escalated, in [0, 1]. @defaultValue 0.5 */
  escalateAtShare: number;
}

export const DEFAULT_TIMEOUT_CONFIG: TimeoutConfig = {
  timeoutsSec: { critical: 900, high: 3600, normal: 14_400, low: 86_400 },
  escalateAtShare: 0.5,
};

/** The timeout of a priority in milliseconds. */
export function timeoutMs(priority: Priority, config: TimeoutConfig = DEFAULT_TIMEOUT_CONFIG): number {
  const seconds = config.timeoutsSec[priority];
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new RangeError(`timeout of ${priority} must be a positive number of seconds, got ${seconds}`);
  return seconds * 1000;
}

/** When a request created at `createdAt` expires. */
export function expiresAt(priority: Priority, createdAt: Date, config: TimeoutConfig = DEFAULT_TIMEOUT_CONFIG): Date {
  return new Date(createdAt.getTime() + timeoutMs(priority, config));
}

/** When a request created at `createdAt` is escalated if still pending (rounded down to the millisecond). */
export function escalateAt(priority: Priority, createdAt: Date, config: TimeoutConfig = DEFAULT_TIMEOUT_CONFIG): Date {
  const share = config.escalateAtShare;
  if (!(share >= 0 && share <= 1)) throw new RangeError(`escalateAtShare must be in [0, 1], got ${share}`);
  return new Date(createdAt.getTime() + Math.floor(timeoutMs(priority, config) * share));
}

/** Whether a request of this priority needs an approval on every one of its channels. */
export function requiresDualChannel(priority: Priority, minLevel: Priority = 'high'): boolean {
  return isAtLeast(priority, minLevel);
}
