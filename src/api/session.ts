import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'flywheel_session';
export const SESSION_TTL_SEC = 12 * 3600;

/**
 * A session is the token's name and an expiry, signed with HMAC-SHA256. Roles
 * are looked up again on every request, so removing a token ends its sessions.
 */
export function signSession(secret: string, name: string, expiresAtMs: number): string {
  const body = Buffer.from(JSON.stringify({ n: name, e: expiresAtMs })).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

export function verifySession(secret: string, value: string | undefined, nowMs: number): string | null {
  if (!value) return null;
  const [body, signature] = value.split('.');
  if (!body || !signature) return null;
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(body, 'base64url').toString()) as { n?: unknown; e?: unknown };
    if (typeof parsed.n !== 'string' || typeof parsed.e !== 'number' || parsed.e <= nowMs) return null;
    return parsed.n;
  } catch {
    return null;
  }
}

/** CSRF token bound to the session: forms must echo it back. */
export function csrfToken(secret: string, session: string): string {
  return mac(secret, `csrf:${session}`);
}

function mac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64url');
}
