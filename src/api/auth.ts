import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Clock } from '../clock.js';
import type { Role } from '../vocabulary/roles.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { SESSION_COOKIE, verifySession } from './session.js';
import { findToken, hasRole, type TokenEntry } from './tokens.js';

export interface AuthOptions {
  tokens: readonly TokenEntry[];
  sessionSecret: string;
  clock: Clock;
  /** Pages send people to the login form instead of answering 401. */
  onMissing?: 'error' | 'redirect';
}

/** Bearer token, or the dashboard's signed session cookie. 401 when neither is valid. */
export const authenticate = (options: AuthOptions) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const entry = match?.[1] ? findToken(options.tokens, match[1]) : undefined;
      if (!entry) throw unauthorized('invalid bearer token');
      c.set('principal', { name: entry.name, tokenId: entry.id, person: entry.person, roles: entry.roles, via: 'bearer' });
      return next();
    }
    const name = verifySession(options.sessionSecret, getCookie(c, SESSION_COOKIE), options.clock.now().getTime());
    const entry = name ? options.tokens.find((t) => t.name === name) : undefined;
    if (!entry) {
      if (options.onMissing === 'redirect') return c.redirect(`/login?next=${encodeURIComponent(new URL(c.req.url).pathname + new URL(c.req.url).search)}`, 303);
      throw unauthorized('authentication required: send Authorization: Bearer <token>');
    }
    c.set('principal', { name: entry.name, tokenId: entry.id, person: entry.person, roles: entry.roles, via: 'session' });
    return next();
  });

/** 403 unless the principal holds one of the roles (admin holds all). */
export const requireRole = (...roles: Role[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const principal = c.var.principal;
    if (!hasRole(principal.roles, roles)) {
      throw new ApiError(403, 'forbidden', `${principal.name} lacks the role ${roles.join(' or ')}`);
    }
    return next();
  });

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message);
}
