import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { TokenEntry } from './tokens.js';

export const SESSION_COOKIE = 'flywheel_session';
export const SESSION_TTL_SEC = 12 * 3600;
/** The header a cookie-authenticated API write carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Which secret a token had when its session began. A session is valid only while
 * the token of its name still has that secret: rotating a token ends its sessions.
 */
export const tokenFingerprint = (entry: TokenEntry) => createHash('sha256').update('flywheel:session:').update(entry.digest).digest('hex').slice(0, 32);

/**
 * The CSRF token of a session: an HMAC keyed by the session's own random id, so
 * every web process derives the same one, and a page that cannot read the
 * (HttpOnly) cookie cannot compute it.
 */
export function csrfToken(sessionId: string): string {
  return createHmac('sha256', sessionId).update('flywheel:csrf').digest('base64url');
}

export function csrfMatches(sessionId: string, given: unknown): boolean {
  if (typeof given !== 'string' || given === '') return false;
  const expected = Buffer.from(csrfToken(sessionId));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
