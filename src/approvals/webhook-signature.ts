import { createHmac, timingSafeEqual } from 'node:crypto';

/** Receivers should refuse a signature older than this (replayed); see the README. */
export const REPLAY_WINDOW_SEC = 300;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed by the agent token's webhookSecret. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'malformed' | 'stale' | 'mismatch' };

/** What a receiver does with `x-flywheel-signature`: recompute over the raw body, refuse stale timestamps. */
export function verifyWebhook(secret: string, body: string, header: string | undefined, nowUnixSeconds: number, windowSec = REPLAY_WINDOW_SEC): SignatureCheck {
  const parts = new Map((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(given)) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowUnixSeconds - t) > windowSec) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signWebhook(secret, body, t).slice(`t=${t},v1=`.length), 'hex');
  return timingSafeEqual(expected, Buffer.from(given, 'hex')) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
