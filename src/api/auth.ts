import type { Kysely } from 'kysely';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { findSession } from '../sessions/store.js';
import type { Role } from '../vocabulary/roles.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { CSRF_HEADER, csrfMatches, SESSION_COOKIE, tokenFingerprint } from './session.js';
import { findToken, hasRole, type TokenEntry } from './tokens.js';

export interface AuthOptions {
  tokens: readonly TokenEntry[];
  /** Where sessions are kept (server-side, so every web process agrees and logout ends them). */
  db: Kysely<Database>;
  clock: Clock;
  /** Pages send people to the login form instead of answering 401. */
  onMissing?: 'error' | 'redirect';
}

/** Metadata the route table (test/support/route-table.ts) reads off the middleware. */
export const AUTHENTICATES = Symbol('authenticates');
export const REQUIRES_ROLES = Symbol('requiresRoles');

/**
 * Bearer token, or the dashboard's session cookie naming a live session whose
 * token still exists with the secret it had at login. 401 when neither is valid.
 */
export const authenticate = (options: AuthOptions) =>
  Object.assign(
    createMiddleware<AppEnv>(async (c, next) => {
      // Already done by a guard in front (app.tsx guards every dashboard page; the pages' routers guard themselves too).
      if (c.get('principal')) return next();
      const header = c.req.header('authorization');
      if (header !== undefined) {
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        const entry = match?.[1] ? findToken(options.tokens, match[1]) : undefined;
        if (!entry) throw unauthorized('invalid bearer token');
        c.set('principal', { name: entry.name, tokenId: entry.id, person: entry.person, roles: entry.roles, via: 'bearer' });
        return next();
      }
      const sessionId = getCookie(c, SESSION_COOKIE);
      const session = sessionId ? await findSession(options.db, sessionId, options.clock.now()) : undefined;
      const entry = session && options.tokens.find((t) => t.name === session.tokenName && tokenFingerprint(t) === session.tokenFingerprint);
      if (!entry || !sessionId) {
        if (options.onMissing === 'redirect') {
          const url = new URL(c.req.url);
          return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
        }
        throw unauthorized('authentication required: send Authorization: Bearer <token>');
      }
      c.set('principal', { name: entry.name, tokenId: entry.id, person: entry.person, roles: entry.roles, via: 'session', sessionId });
      return next();
    }),
    { [AUTHENTICATES]: true },
  );

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A write authenticated by the session cookie must prove it comes from this
 * dashboard: the session's CSRF token in `x-csrf-token`, or an `Origin` header of
 * this origin (the request's own, or server.publicUrl's). A page on another port or
 * subdomain has another origin. Bearer callers are unaffected: browsers never
 * attach an Authorization header on their own.
 */
export const sameOriginWrites = (publicUrl: string) => {
  const publicOrigin = publicUrl ? new URL(publicUrl).origin : undefined;
  return createMiddleware<AppEnv>(async (c, next) => {
    const { via, sessionId } = c.var.principal;
    if (via !== 'session' || SAFE_METHODS.has(c.req.method)) return next();
    if (sessionId && csrfMatches(sessionId, c.req.header(CSRF_HEADER))) return next();
    const origin = c.req.header('origin');
    if (origin && (origin === new URL(c.req.url).origin || origin === publicOrigin)) return next();
    throw new ApiError(403, 'csrf', `a write with the session cookie needs the ${CSRF_HEADER} header or a same-origin Origin header`);
  });
};

/** 403 unless the principal holds one of the roles (admin holds all). */
export const requireRole = (...roles: Role[]) =>
  Object.assign(
    createMiddleware<AppEnv>(async (c, next) => {
      const principal = c.var.principal;
      if (!hasRole(principal.roles, roles)) {
        throw new ApiError(403, 'forbidden', `${principal.name} lacks the role ${roles.join(' or ')}`);
      }
      return next();
    }),
    { [REQUIRES_ROLES]: roles },
  );

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message);
}
