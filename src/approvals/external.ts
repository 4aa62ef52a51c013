import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { isActionKind } from '../policy/action-kinds.js';
import type { Priority } from '../vocabulary/priorities.js';
import { callbackHostAllowed, evaluateExternal, EXTERNAL_KIND } from './external-policy.js';
import { payloadHash } from './payload-hash.js';
import { scheduleRequestJobs } from './propose.js';
import { afterFinal } from './record-decision.js';
import { insertRequest, type RequestRow } from './store.js';
import { escalateAt, expiresAt } from './timeouts.js';
import { recordOutcomeEvent } from './webhooks.js';

export interface ExternalInput {
  kind: string;
  title: string;
  /** Markdown, shown to the approvers. */
  summary: string;
  payload: Record<string, unknown>;
  priority: Priority;
  /** On whose behalf (a person or an agent's name); default the token's name. */
  requester?: string;
  callbackUrl?: string;
  idempotencyKey?: string;
}

/** The token filing the request: it owns it (reads it, is told of its outcome). */
export interface ExternalClient {
  tokenId: string;
  name: string;
  person: string;
}

/** A request the API refuses with a 4xx, naming the field. */
export class ExternalRequestError extends Error {
  constructor(
    readonly status: 400 | 422,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function checkInput(deps: Deps, input: ExternalInput, client: ExternalClient): void {
  if (!EXTERNAL_KIND.test(input.kind)) {
    throw new ExternalRequestError(400, 'invalid_request', 'kind must be namespaced and lowercase, e.g. meta.strategy.apply', 'json.kind');
  }
  if (isActionKind(input.kind) || deps.actions.get(input.kind)) {
    throw new ExternalRequestError(400, 'invalid_request', `${input.kind} is one of Flywheel's own actions; external kinds use a namespace of their own`, 'json.kind');
  }
  if (input.callbackUrl === undefined) return;
  let url: URL;
  try {
    url = new URL(input.callbackUrl);
  } catch {
    throw new ExternalRequestError(400, 'invalid_request', 'callbackUrl is not a URL', 'json.callbackUrl');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ExternalRequestError(400, 'invalid_request', 'callbackUrl must be http or https', 'json.callbackUrl');
  if (!callbackHostAllowed(url, deps.config.approvals.webhooks.allowedHosts)) {
    throw new ExternalRequestError(400, 'invalid_request', `callbackUrl host ${url.hostname} is not in approvals.webhooks.allowedHosts`, 'json.callbackUrl');
  }
  const token = deps.config.auth.tokens.find((t) => (t.id ?? t.name) === client.tokenId);
  if (!token?.webhookSecret) {
    throw new ExternalRequestError(400, 'invalid_request', `callbackUrl needs a webhookSecret on token ${client.tokenId} (auth.tokens[].webhookSecret) to sign the webhooks`, 'json.callbackUrl');
  }
}

/** A repeat under the same key must be the same request. */
function sameRequest(row: RequestRow, input: ExternalInput, hash: string): boolean {
  return row.kind === input.kind && row.title === input.title && row.summary === input.summary && row.payload_hash === hash && row.callback_url === (input.callbackUrl ?? null);
}

/**
 * Files an outside system's request through the policy: a listed kind may be
 * allowed or refused outright (the request is then final at once and its
 * outcome sent like any other), an unknown kind always waits for a person.
 * The same idempotency key from the same token returns the first request.
 */
export async function fileExternal(deps: Deps, input: ExternalInput, client: ExternalClient, traceId: string): Promise<{ row: RequestRow; created: boolean }> {
  checkInput(deps, input, client);
  const now = deps.clock.now();
  const hash = payloadHash(input.payload);
  const verdict = evaluateExternal(input, deps.config.policy);
  const pending = verdict.outcome === 'approve';
  const priority = pending ? verdict.priority : input.priority;
  const channels = pending ? verdict.channels.filter((channel) => channel === 'console' || deps.config.telegram.enabled) : [];
  const deadlines = { expiresAt: expiresAt(priority, now, deps.config.approvals), escalateAt: escalateAt(priority, now, deps.config.approvals) };
  const requester = input.requester ?? client.name;
  const final =
    verdict.outcome === 'apply'
      ? { status: 'approved' as const, resolution: 'approved by policy: within every guardrail' }
      : verdict.outcome === 'refuse'
        ? { status: 'rejected' as const, resolution: `refused by policy: ${verdict.reason}` }
        : undefined;
  const result = await deps.db.transaction().execute(async (trx) => {
    const inserted = await insertRequest(trx, {
      id: randomUUID(),
      traceId,
      kind: input.kind,
      payload: input.payload,
      payloadHash: hash,
      summary: input.summary,
      title: input.title,
      requester,
      requesterPerson: input.requester ? input.requester : client.person,
      clientId: client.tokenId,
      callbackUrl: input.callbackUrl ?? null,
      source: 'external',
      priority,
      requiredChannels: channels,
      requireDistinctApprovers: channels.length > 1 && deps.config.approvals.requireDistinctApprovers,
      reasons: pending ? verdict.reasons : [],
      createdAt: now,
      expiresAt: deadlines.expiresAt,
      escalateAt: deadlines.escalateAt,
      idempotencyKey: input.idempotencyKey ? `ext:${client.tokenId}:${input.idempotencyKey}` : null,
      ...final,
    });
    if (!inserted.created) return inserted;
    const audit = { traceId, actor: client.name, channel: 'api', subjectType: 'approval', subjectId: inserted.row.id, at: now };
    await appendAudit(trx, {
      ...audit,
      action: 'approval.requested',
      data: { kind: input.kind, source: 'external', client: client.tokenId, priority, channels, reasons: pending ? verdict.reasons : [], payloadHash: hash, expiresAt: deadlines.expiresAt.toISOString() },
    });
    if (final) {
      await appendAudit(trx, { ...audit, actor: 'policy', channel: 'policy', action: `approval.${final.status}`, data: { resolution: final.resolution } });
      await recordOutcomeEvent(trx, inserted.row.id, now);
    }
    return inserted;
  });
  if (!result.created && !sameRequest(result.row, input, hash)) {
    throw new ExternalRequestError(422, 'idempotency_key_reused', 'this Idempotency-Key was used for a different request', 'header.idempotency-key');
  }
  if (result.created && pending) await scheduleRequestJobs(deps, result.row.id, traceId, deadlines);
  if (result.created && final) await afterFinal(deps, result.row.id, traceId, final.status);
  return result;
}
