import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../api/env.js';
import { csrfToken, SESSION_COOKIE } from '../api/session.js';

/** The token a form must echo back; empty for bearer callers, who have no session. */
export function formCsrfToken(c: Context<AppEnv>, secret: string): string {
  const session = getCookie(c, SESSION_COOKIE);
  return c.var.principal.via === 'session' && session ? csrfToken(secret, session) : '';
}

/**
 * Whether a form post carries the token of its own session (compared in
 * constant time). Bearer callers pass: a browser never attaches an
 * Authorization header on its own, so a cross-site form cannot borrow it.
 */
export function verifyFormCsrf(c: Context<AppEnv>, secret: string, given: unknown): boolean {
  if (c.var.principal.via === 'bearer') return true;
  const session = getCookie(c, SESSION_COOKIE);
  if (!session || typeof given !== 'string' || given === '') return false;
  const expected = Buffer.from(csrfToken(secret, session));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
