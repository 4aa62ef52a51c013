import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/schema.js';

/**
 * A Beta invitation link token: `<payload>.<signature>`, both base64url. The
 * payload names the tenant and the expiry; the signature is HMAC-SHA256 with
 * `beta.inviteSecret` over a purpose prefix and the payload, so no other
 * signed value of Flywheel can pass for an invitation.
 */
export interface InvitePayload {
  tenantId: string;
  expiresAt: Date;
}

export type TokenCheck =
  | { ok: true; tenantId: string; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

const PURPOSE = 'flywheel.beta-invite.v1';

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(`${PURPOSE}.${payload}`).digest();

export function signInviteToken(secret: string, invite: InvitePayload): string {
  const payload = Buffer.from(JSON.stringify({ t: invite.tenantId, e: Math.floor(invite.expiresAt.getTime() / 1000) })).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** Checks the signature first (constant time), then the expiry against `now`. */
export function verifyInviteToken(secret: string, token: string, now: Date): TokenCheck {
  const match = /^([A-Za-z0-9_-]{1,1000})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const [, payload, signature] = match as unknown as [string, string, string];
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const { t, e } = (parsed ?? {}) as { t?: unknown; e?: unknown };
  if (typeof t !== 'string' || t.length === 0 || typeof e !== 'number' || !Number.isFinite(e)) return { ok: false, reason: 'malformed' };
  const expiresAt = new Date(e * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, tenantId: t, expiresAt };
}

// One random secret per config object (that is, per process start) when none is configured.
const generated = new WeakMap<object, string>();

/**
 * `beta.inviteSecret`, or a random one for this process. A random secret only
 * works while one process both sends and answers invitations: set the secret
 * when web and workers run apart.
 */
export function inviteSecret(config: Readonly<Config>): string {
  if (config.beta.inviteSecret) return config.beta.inviteSecret;
  let secret = generated.get(config);
  if (!secret) {
    secret = randomBytes(32).toString('hex');
    generated.set(config, secret);
  }
  return secret;
}

/** Accept and decline links of one invitation. */
export function invitationLinks(config: Readonly<Config>, token: string): { accept: string; decline: string } {
  const base = (config.server.publicUrl || `http://localhost:${config.server.port}`).replace(/\/+$/, '');
  const path = `${base}/beta/invitations/${token}`;
  return { accept: `${path}/accept`, decline: `${path}/decline` };
}
