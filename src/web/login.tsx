import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { createSession, revokeSession } from '../sessions/store.js';
import type { AppEnv } from '../api/env.js';
import { SESSION_COOKIE, SESSION_TTL_SEC, tokenFingerprint } from '../api/session.js';
import { findToken, hasRole, type TokenEntry } from '../api/tokens.js';
import { Layout } from './layout.js';

function LoginPage(props: { next: string; error?: string }) {
  return (
    <Layout title="Log in">
      <div class="card" style="max-width:420px;margin:3rem auto">
        <h1>Log in</h1>
        <p class="muted">Paste an API token. It is exchanged for a session cookie and not stored in the browser.</p>
        {props.error ? <p class="error" role="alert">{props.error}</p> : null}
        <form method="post" action="/login">
          <input type="hidden" name="next" value={props.next} />
          <label>
            Token <input type="password" name="token" autocomplete="off" required style="width:100%" />
          </label>
          <p>
            <button type="submit">Log in</button>
          </p>
        </form>
      </div>
    </Layout>
  );
}

const HERE = 'http://flywheel.invalid';

/**
 * Only a path that the URL parser resolves to this origin, and only as it resolved
 * it: browsers read `/\evil.example` and `/<TAB>/evil.example` as `//evil.example`
 * (another host), which a check on the raw text misses.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return '/';
  let url: URL;
  try {
    url = new URL(next, HERE);
  } catch {
    return '/';
  }
  if (url.origin !== HERE) return '/';
  // Dot segments can resolve to a path that starts with `//` (`/.//evil.example`, `/a/..//evil.example`):
  // sent as it is, a browser reads that Location as another host. One leading slash keeps it a path.
  return `/${url.pathname.replace(/^\/+/, '')}${url.search}${url.hash}`;
}

export function loginRoutes(options: { tokens: readonly TokenEntry[]; db: Kysely<Database>; clock: Clock; secureCookies: boolean }) {
  return new Hono<AppEnv>()
    .use('/login', csrf())
    .use('/logout', csrf())
    .get('/login', (c) => c.html(<LoginPage next={safeNext(c.req.query('next'))} />))
    .post('/login', async (c) => {
      const form = await c.req.parseBody();
      const next = safeNext(form.next);
      const entry = typeof form.token === 'string' ? findToken(options.tokens, form.token.trim()) : undefined;
      if (!entry) {
        c.var.logger.warn('dashboard login refused');
        return c.html(<LoginPage next={next} error="That token is not valid." />, 401);
      }
      if (!hasRole(entry.roles, ['viewer'])) {
        c.var.logger.warn({ user: entry.name }, 'dashboard login refused: agent token');
        return c.html(<LoginPage next={next} error="That token is for a system (agent role): it has no console." />, 403);
      }
      const now = options.clock.now();
      const expiresAt = new Date(now.getTime() + SESSION_TTL_SEC * 1000);
      const sessionId = await createSession(options.db, { tokenName: entry.name, tokenFingerprint: tokenFingerprint(entry), expiresAt }, now);
      setCookie(c, SESSION_COOKIE, sessionId, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: options.secureCookies,
        path: '/',
        maxAge: SESSION_TTL_SEC,
      });
      c.var.logger.info({ user: entry.name }, 'dashboard login');
      return c.redirect(next, 303);
    })
    .post('/logout', async (c) => {
      // Ended on the server, so a copy of the cookie stops working too.
      const sessionId = getCookie(c, SESSION_COOKIE);
      if (sessionId) await revokeSession(options.db, sessionId, options.clock.now());
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect('/login', 303);
    });
}
