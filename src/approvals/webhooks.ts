import type { Transaction } from 'kysely';
import { request } from 'undici';
import { approvalWebhooksQueue, webhookJobId } from '../../queues/approval-webhooks.js';
import type { Database } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { callbackHostAllowed } from './external-policy.js';
import { recordAttempt } from './webhook-attempts.js';
import { decisionsOf, getRequest, type RequestRow } from './store.js';
import { signWebhook } from './webhook-signature.js';

/** The event id of a request's final outcome: one per request and outcome, so a receiver can dedupe on it. */
export const outcomeEventId = (requestId: string, status: string) => `${requestId}.${status}`;

/**
 * In the transaction that makes a request final: the outcome event to POST to its
 * callbackUrl, stored with its body, so the event exists exactly when the outcome does.
 */
export async function recordOutcomeEvent(
  trx: Transaction<Database>,
  id: string,
  at: Date,
  /** The request and its decisions as this transaction left them, when the caller has read them already. */
  known?: { row: RequestRow; decisions: Awaited<ReturnType<typeof decisionsOf>> },
): Promise<string | null> {
  const row = known?.row ?? (await getRequest(trx, id));
  if (!row?.callback_url || !row.client_id || row.status === 'pending') return null;
  const decisions = known?.decisions ?? (await decisionsOf(trx, id));
  const eventId = outcomeEventId(id, row.status);
  const body = JSON.stringify({
    id: eventId,
    type: `approval.${row.status}`,
    createdAt: at.toISOString(),
    request: {
      id: row.id,
      kind: row.kind,
      title: row.title,
      status: row.status,
      resolution: row.resolution,
      decidedAt: row.decided_at ? new Date(row.decided_at).toISOString() : null,
      payloadHash: row.payload_hash,
      traceId: row.trace_id,
      requester: row.requester,
      decisions: decisions.map((d) => ({ channel: d.channel, actor: d.actor, decision: d.decision, reason: d.reason, at: new Date(d.decided_at).toISOString() })),
    },
  });
  await trx
    .insertInto('approval_webhooks')
    .values({ event_id: eventId, request_id: id, event: `approval.${row.status}`, url: row.callback_url, client_id: row.client_id, body, status: 'pending', created_at: at })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
  return eventId;
}

export async function enqueueWebhook(deps: Deps, eventId: string, traceId: string): Promise<void> {
  await deps.queues.enqueue(approvalWebhooksQueue, 'deliver', { eventId, traceId }, { jobId: webhookJobId(eventId) });
}

/** Events not yet delivered (the sweep re-queues them: an event is never lost to a crash between commit and enqueue). */
export async function pendingWebhookEvents(deps: Deps): Promise<{ eventId: string; traceId: string }[]> {
  const rows = await deps.db
    .selectFrom('approval_webhooks')
    .innerJoin('approval_requests', 'approval_requests.id', 'approval_webhooks.request_id')
    .select(['approval_webhooks.event_id', 'approval_requests.trace_id'])
    .where('approval_webhooks.status', '=', 'pending')
    .execute();
  return rows.map((r) => ({ eventId: r.event_id, traceId: r.trace_id }));
}

export type DeliveryOutcome =
  | { delivered: true; attempt: number; retryAt?: undefined }
  | { delivered: false; attempt: number; retryAt?: number; gaveUp?: boolean }
  | { skipped: string; retryAt?: undefined };

/**
 * One attempt: POST the stored body signed with the owner token's webhookSecret.
 * Every attempt is recorded on the event row and in the audit trail under the
 * request's trace. A 2xx delivers; anything else is retried after a capped
 * exponential backoff until `maxAttempts`.
 */
export async function deliverWebhook(deps: Deps, eventId: string): Promise<DeliveryOutcome> {
  const settings = deps.config.approvals.webhooks;
  const hook = await deps.db
    .selectFrom('approval_webhooks')
    .innerJoin('approval_requests', 'approval_requests.id', 'approval_webhooks.request_id')
    .select(['approval_webhooks.event_id', 'approval_webhooks.url', 'approval_webhooks.client_id', 'approval_webhooks.body', 'approval_webhooks.status', 'approval_webhooks.attempts', 'approval_webhooks.request_id', 'approval_requests.trace_id'])
    .where('approval_webhooks.event_id', '=', eventId)
    .executeTakeFirst();
  if (!hook) return { skipped: 'no such event' };
  if (hook.status !== 'pending') return { skipped: `already ${hook.status}` };
  const attempt = hook.attempts + 1;
  const secret = deps.config.auth.tokens.find((t) => (t.id ?? t.name) === hook.client_id)?.webhookSecret;
  const url = new URL(hook.url);
  let status: number | null = null;
  let error: string | null = null;
  const started = performance.now();
  if (!secret) error = `token ${hook.client_id} has no webhookSecret`;
  else if (!callbackHostAllowed(url, settings.allowedHosts)) error = `host ${url.hostname} is not in approvals.webhooks.allowedHosts`;
  else {
    try {
      // undici's request, not the global fetch: the same keep-alive connections per origin, without the
      // WHATWG stream layers that made fetch the CPU cost of a delivery (see ARCHITECTURE, HTTP client).
      const response = await request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-flywheel-event-id': hook.event_id,
          'x-flywheel-delivery-attempt': String(attempt),
          'x-flywheel-signature': signWebhook(secret, hook.body, Math.floor(Date.now() / 1000)),
        },
        body: hook.body,
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      status = response.statusCode;
      await response.body.dump().catch(() => {});
      if (status < 200 || status > 299) error = `receiver answered ${status}`;
    } catch (caught) {
      error = (caught as Error).cause instanceof Error ? ((caught as Error).cause as Error).message : (caught as Error).message;
    }
  }
  const ms = Math.round(performance.now() - started);
  const delivered = error === null;
  const gaveUp = !delivered && attempt >= settings.maxAttempts;
  const now = deps.clock.now();
  await recordAttempt(deps.db, {
    eventId,
    attempts: attempt,
    lastStatus: status,
    lastError: error,
    status: delivered ? 'delivered' : gaveUp ? 'failed' : 'pending',
    deliveredAt: delivered ? now : null,
    audit: {
      traceId: hook.trace_id,
      actor: 'flywheel',
      channel: 'webhook',
      action: delivered ? 'approval.webhook_delivered' : gaveUp ? 'approval.webhook_failed' : 'approval.webhook_attempt_failed',
      subjectType: 'approval',
      subjectId: hook.request_id,
      data: { eventId, attempt, url: `${url.origin}${url.pathname}`, status, error, ms },
      at: now,
    },
  });
  if (delivered) return { delivered: true, attempt };
  if (gaveUp) return { delivered: false, attempt, gaveUp: true };
  return { delivered: false, attempt, retryAt: Date.now() + Math.min(settings.backoffMaxMs, settings.backoffMs * 2 ** (attempt - 1)) };
}

/** The request's webhook events, for its detail view. */
export async function webhooksOf(deps: Deps, requestId: string) {
  const rows = await deps.db.selectFrom('approval_webhooks').selectAll().where('request_id', '=', requestId).orderBy('created_at').execute();
  return rows.map((r) => ({
    eventId: r.event_id,
    event: r.event,
    status: r.status,
    attempts: r.attempts,
    lastStatus: r.last_status,
    lastError: r.last_error,
    deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
  }));
}
