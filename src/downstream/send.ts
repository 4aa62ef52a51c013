import { createHmac } from 'node:crypto';
import type { CampaignsTable } from '../db/schema.js';

export interface SendResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  /** Seconds the downstream asked us to wait (429/503 Retry-After). */
  retryAfterSec: number | null;
  error: string | null;
}

type Channel = CampaignsTable['channel']['__select__'];

export const signature = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * One HTTP request to the campaign's downstream, signed with HMAC-SHA256 over
 * the body and carrying an idempotency key, so a resend after a crash is
 * recognised by the receiver.
 */
export async function sendToDownstream(
  channel: Channel,
  secret: string,
  request: { campaignId: string; idempotencyKey: string; body: unknown },
): Promise<SendResult> {
  const body = JSON.stringify(request.body);
  const started = performance.now();
  try {
    const response = await fetch(channel.url, {
      method: 'POST',
      headers: {
        ...channel.headers,
        'content-type': 'application/json',
        'idempotency-key': request.idempotencyKey,
        'x-campaign-id': request.campaignId,
        'x-flywheel-signature': signature(secret, body),
      },
      body,
      signal: AbortSignal.timeout(channel.timeoutMs),
    });
    await response.arrayBuffer();
    const latencyMs = performance.now() - started;
    const retryAfter = response.headers.get('retry-after');
    const retryAfterSec = retryAfter && (response.status === 429 || response.status === 503) ? parseRetryAfter(retryAfter) : null;
    return { ok: response.ok, status: response.status, latencyMs, retryAfterSec, error: response.ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, status: null, latencyMs: performance.now() - started, retryAfterSec: null, error: error instanceof Error ? error.message : String(error) };
  }
}

function parseRetryAfter(value: string): number | null {
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000);
}
