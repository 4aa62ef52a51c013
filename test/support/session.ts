import type { Hono } from 'hono';
import { csrfToken } from '../../src/api/session.js';

export interface Session {
  /** The `cookie` request header value. */
  cookie: string;
  /** The session's CSRF token, as the dashboard's forms carry it. */
  csrf: string;
}

/** Logs in through the /login form, as a browser on http://localhost does. */
export async function login(app: Pick<Hono<any>, 'request'>, token: string): Promise<Session> {
  const res = await app.request('http://localhost/login', {
    method: 'POST',
    body: new URLSearchParams({ token, next: '/' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
  });
  if (res.status !== 303) throw new Error(`login answered ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const id = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  return { cookie, csrf: csrfToken(id) };
}
