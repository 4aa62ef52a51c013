import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { PRIORITIES } from '../vocabulary/priorities.js';
import type { ApiCall } from './api.js';
import { APPROVAL_STATUSES } from '../vocabulary/approval-statuses.js';

/** The API's long poll waits at most this long per call; longer waits chain calls. */
const POLL_CHUNK_SEC = 60;
/** request_approval and get_approval wait at most this long in one tool call. */
export const MAX_WAIT_SEC = 600;

/** What an agent needs of a request: its state and the decision, not the audit history. */
const Approval = z.looseObject({
  id: z.string(),
  status: z.string(),
  kind: z.string(),
  title: z.string().nullable(),
  priority: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedAt: z.string().nullable(),
  resolution: z.string().nullable(),
  decisions: z.array(z.object({ channel: z.string(), actor: z.string(), decision: z.string(), reason: z.string(), at: z.string() })).optional(),
});
type Approval = z.infer<typeof Approval>;

const brief = (a: Approval) => ({
  id: a.id,
  status: a.status,
  kind: a.kind,
  title: a.title,
  priority: a.priority,
  createdAt: a.createdAt,
  expiresAt: a.expiresAt,
  decidedAt: a.decidedAt,
  resolution: a.resolution,
  ...(a.decisions ? { decisions: a.decisions.map(({ channel, actor, decision, reason, at }) => ({ channel, actor, decision, reason, at })) } : {}),
});

const ok = (value: Record<string, unknown>): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
  structuredContent: value,
});

/** The API's error envelope as a tool error the model can read (MCP: tool failures are results, not protocol errors). */
function apiFailure(status: number, body: unknown): CallToolResult {
  const error = (body as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
  const text = `${status} ${error?.code ?? 'error'}: ${error?.message ?? 'request failed'}${error?.field ? ` (field ${error.field})` : ''}`;
  return { isError: true, content: [{ type: 'text', text }] };
}

type Progress = (waitedSec: number, totalSec: number) => Promise<void>;

/** Reads the request, long polling in chunks until it is final or `waitSec` has passed. */
async function waitFor(api: ApiCall, id: string, waitSec: number, progress: Progress, signal: AbortSignal): Promise<{ status: number; body: unknown }> {
  const started = Date.now();
  for (;;) {
    const left = Math.max(0, waitSec - (Date.now() - started) / 1000);
    const chunk = Math.min(POLL_CHUNK_SEC, Math.ceil(left));
    const answer = await api('GET', `/api/v1/approvals/${encodeURIComponent(id)}?waitSec=${chunk}`);
    if (answer.status !== 200) return answer;
    const shown = Approval.safeParse(answer.body);
    if (!shown.success || shown.data.status !== 'pending' || chunk === 0 || signal.aborted) return answer;
    const waited = (Date.now() - started) / 1000;
    if (waited >= waitSec) return answer;
    await progress(Math.floor(waited), waitSec);
  }
}

const waitSecField = (fallback: number, what: string) =>
  z.number().int().min(0).max(MAX_WAIT_SEC).default(fallback).describe(`seconds to wait for ${what} (0: answer at once; at most ${MAX_WAIT_SEC})`);

/**
 * An MCP server with Flywheel's approval tools for AI agents: ask a human and
 * wait for the answer, read a request, list one's own. Each tool is a call of
 * the HTTP API with the caller's credentials (see {@link ApiCall}).
 */
export function createMcpServer(api: ApiCall): McpServer {
  const server = new McpServer({ name: 'flywheel-approvals', version: '1.0.0' });

  const answer = (result: { status: number; body: unknown }, okStatuses: readonly number[] = [200, 201]): CallToolResult => {
    if (!okStatuses.includes(result.status)) return apiFailure(result.status, result.body);
    const shown = Approval.safeParse(result.body);
    return shown.success
      ? ok(brief(shown.data))
      : apiFailure(502, { error: { code: 'bad_answer', message: 'the API answered something that is not an approval request' } });
  };

  const progressOf = (extra: {
    _meta?: { progressToken?: string | number };
    sendNotification: (n: {
      method: 'notifications/progress';
      params: { progressToken: string | number; progress: number; total: number; message: string };
    }) => Promise<void>;
  }): Progress => {
    const token = extra._meta?.progressToken;
    // Progress keeps a client's request timeout from firing during a long wait (resetTimeoutOnProgress).
    return async (waited, total) => {
      if (token !== undefined)
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress: waited, total, message: 'waiting for a human' },
        });
    };
  };

  server.registerTool(
    'request_approval',
    {
      title: 'Ask a human to approve',
      description:
        'Files an approval request with Flywheel (policy, Telegram and dashboard approvers, audit trail) and waits up to waitSec for the decision. Returns the request with status approved, rejected, expired, cancelled or still pending. Retry with the same idempotencyKey to get the same request instead of a new one.',
      inputSchema: {
        kind: z.string().describe('namespaced, lowercase, e.g. meta.strategy.apply'),
        title: z.string().describe('one line the approver reads first'),
        summary: z.string().default('').describe('Markdown: why, what it changes, evidence'),
        payload: z.record(z.string(), z.unknown()).default({}).describe('what is approved: its hash binds the decision'),
        priority: z.enum(PRIORITIES).default('normal'),
        requester: z.string().optional().describe("on whose behalf; default the token's name"),
        callbackUrl: z.string().optional().describe('also POSTed the outcome, signed'),
        idempotencyKey: z.string().optional().describe('the same key returns the same request'),
        waitSec: waitSecField(60, 'the decision'),
      },
    },
    async ({ waitSec, idempotencyKey, ...body }, extra) => {
      const filed = await api('POST', '/api/v1/approvals', body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
      if (filed.status !== 201 && filed.status !== 200) return apiFailure(filed.status, filed.body);
      const shown = Approval.safeParse(filed.body);
      if (!shown.success || shown.data.status !== 'pending' || waitSec === 0) return answer(filed);
      return answer(await waitFor(api, shown.data.id, waitSec, progressOf(extra), extra.signal));
    },
  );

  server.registerTool(
    'get_approval',
    {
      title: 'Read an approval request',
      description: 'One request this token filed, with its decisions; with waitSec, waits for a pending request to become final.',
      inputSchema: { id: z.string().describe('the request id'), waitSec: waitSecField(0, 'a pending request to be decided') },
    },
    async ({ id, waitSec }, extra) => answer(await waitFor(api, id, waitSec, progressOf(extra), extra.signal), [200]),
  );

  server.registerTool(
    'list_my_requests',
    {
      title: 'List my approval requests',
      description: 'The requests this token filed, newest first.',
      inputSchema: {
        status: z.enum(APPROVAL_STATUSES).optional(),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).default(0),
      },
    },
    async ({ status, limit, offset }) => {
      const query = new URLSearchParams({ limit: String(limit), offset: String(offset), ...(status ? { status } : {}) });
      const listed = await api('GET', `/api/v1/approvals/mine?${query}`);
      if (listed.status !== 200) return apiFailure(listed.status, listed.body);
      const page = z.object({ items: z.array(Approval), hasMore: z.boolean(), nextOffset: z.number().nullable() }).safeParse(listed.body);
      if (!page.success) return apiFailure(502, { error: { code: 'bad_answer', message: 'the API answered something that is not a page of requests' } });
      return ok({ items: page.data.items.map(brief), hasMore: page.data.hasMore, nextOffset: page.data.nextOffset });
    },
  );
  return server;
}
