import { GrammyError, HttpError } from 'grammy';
import type { Config } from '../config/schema.js';

/**
 * Whether a failed Bot API call is worth trying again: the network (grammY's
 * HttpError: refused, reset, timed out), a 5xx, or a 429 longer than the call
 * itself waited out. Any other answer (400 chat not found, 403 bot blocked) says
 * the same the next time.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpError) return true;
  if (error instanceof GrammyError) return error.error_code === 429 || error.error_code >= 500;
  return false;
}

/** A refusal that retrying cannot change (see isRetryable). */
export const isPermanent = (error: unknown): error is GrammyError => error instanceof GrammyError && !isRetryable(error);

/**
 * The wait before attempt `attempt + 1` after `attempt` failed: doubling from
 * backoffMs, capped at backoffMaxMs; null once the attempts are used up.
 */
export function retryDelayMs(attempt: number, settings: Config['telegram']['delivery']): number | null {
  if (attempt >= settings.attempts) return null;
  return Math.min(settings.backoffMaxMs, settings.backoffMs * 2 ** Math.max(0, attempt - 1));
}
