import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import type { Clock } from '../clock.js';
import type { AppEnv } from '../api/env.js';
import { SESSION_COOKIE, SESSION_TTL_SEC, signSession } from '../api/session.js';
import { findToken, type TokenEntry } from '../api/tokens.js';
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
  return url.origin === HERE ? `${url.pathname}${url.search}${url.hash}` : '/';
}

export function loginRoutes(options: { tokens: readonly TokenEntry[]; sessionSecret: string; clock: Clock; secureCookies: boolean }) {
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
      const expires = options.clock.now().getTime() + SESSION_TTL_SEC * 1000;
      setCookie(c, SESSION_COOKIE, signSession(options.sessionSecret, entry.name, expires), {
        httpOnly: true,
        sameSite: 'Lax',
        secure: options.secureCookies,
        path: '/',
        maxAge: SESSION_TTL_SEC,
      });
      c.var.logger.info({ user: entry.name }, 'dashboard login');
      return c.redirect(next, 303);
    })
    .post('/logout', (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect('/login', 303);
    });
}
