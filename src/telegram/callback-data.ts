import { createHmac, timingSafeEqual } from 'node:crypto';

/** Telegram rejects inline-button callback data longer than this (in bytes). */
export const MAX_CALLBACK_BYTES = 64;
/** First field of an approval button's data; other button kinds may use other prefixes. */
export const CALLBACK_PREFIX = 'a';
/** Length of the truncated base64url HMAC-SHA256 (72 bits). */
export const SIGNATURE_LENGTH = 12;

export type CallbackDecision = 'approve' | 'reject';

export interface ApprovalCallback {
  /** Lowercase UUID with hyphens. */
  requestId: string;
  decision: CallbackDecision;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHORT_ID = /^[A-Za-z0-9_-]{22}$/;
const DECISIONS: readonly string[] = ['approve', 'reject'] satisfies CallbackDecision[];

/** A UUID's 16 bytes as 22 base64url characters. */
export function shortenUuid(uuid: string): string {
  if (!UUID.test(uuid)) throw new RangeError(`not a UUID: ${uuid}`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64url');
}

/** The inverse of {@link shortenUuid}; null when `short` is not one of its outputs. */
export function expandUuid(short: string): string | null {
  if (!SHORT_ID.test(short)) return null;
  const bytes = Buffer.from(short, 'base64url');
  // Buffer decoding ignores stray low bits of the last character; only the canonical spelling is accepted.
  if (bytes.length !== 16 || bytes.toString('base64url') !== short) return null;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function sign(body: string, secret: string): string {
  if (secret.length === 0) throw new RangeError('callback data needs a non-empty secret');
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64url').slice(0, SIGNATURE_LENGTH);
}

/** `a:<22-char request id>:<decision>:<signature>`, at most 45 bytes. Throws for a non-UUID id or an empty secret. */
export function encodeCallback(callback: ApprovalCallback, secret: string): string {
  if (!DECISIONS.includes(callback.decision)) throw new RangeError(`not a decision: ${String(callback.decision)}`);
  const body = `${CALLBACK_PREFIX}:${shortenUuid(callback.requestId)}:${callback.decision}`;
  return `${body}:${sign(body, secret)}`;
}

/** The approval button a callback came from; null for malformed, foreign or wrongly signed data. Throws for an empty secret. */
export function decodeCallback(data: string, secret: string): ApprovalCallback | null {
  if (secret.length === 0) throw new RangeError('callback data needs a non-empty secret');
  if (Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_BYTES) return null;
  const parts = data.split(':');
  if (parts.length !== 4) return null;
  const [prefix, shortId, decision, signature] = parts as [string, string, string, string];
  if (prefix !== CALLBACK_PREFIX || !DECISIONS.includes(decision) || signature.length !== SIGNATURE_LENGTH) return null;
  const requestId = expandUuid(shortId);
  if (requestId === null) return null;
  const expected = Buffer.from(sign(`${prefix}:${shortId}:${decision}`, secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return { requestId, decision: decision as CallbackDecision };
}
