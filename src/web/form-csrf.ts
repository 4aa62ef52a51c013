import type { Context } from 'hono';
import type { AppEnv } from '../api/env.js';
import { csrfMatches, csrfToken } from '../api/session.js';

/** The token a form must echo back; empty for bearer callers, who have no session. */
export function formCsrfToken(c: Context<AppEnv>): string {
  const { sessionId } = c.var.principal;
  return sessionId ? csrfToken(sessionId) : '';
}

/**
 * Whether a form post carries the token of its own session (compared in
 * constant time). Bearer callers pass: a browser never attaches an
 * Authorization header on its own, so a cross-site form cannot borrow it.
 */
export function verifyFormCsrf(c: Context<AppEnv>, given: unknown): boolean {
  const { via, sessionId } = c.var.principal;
  if (via === 'bearer') return true;
  return sessionId !== undefined && csrfMatches(sessionId, given);
}
