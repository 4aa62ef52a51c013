import { createRoute, z } from '@hono/zod-openapi';
import { ApprovalNotFoundError } from '../../approvals/errors.js';
import { approvalDetail, approvalList } from '../../approvals/read.js';
import { recordDecision } from '../../approvals/record-decision.js';
import type { Deps } from '../../deps.js';
import { waitUntilFinal } from '../../approvals/wait.js';
import { requireRole } from '../auth.js';
import { externalApprovalRoutes, mayRead } from './external-approvals.js';
import { notFound } from '../errors.js';
import { newRouter } from '../router.js';
import { ApprovalDetailSchema as ApprovalDetail, ApprovalPageSchema as Page, ApprovalSchema } from '../responses/approval.js';
import { errorResponses, json, pagingQuery } from '../schemas.js';
import { APPROVAL_STATUSES } from '../../vocabulary/approval-statuses.js';


const Approval = ApprovalSchema;


const pending = createRoute({
  method: 'get',
  path: '/approvals/pending',
  tags: ['approvals'],
  summary: 'Requests waiting for a decision, newest first',
  middleware: [requireRole('viewer')] as const,
  request: { query: z.object({ kind: z.string().max(64).optional(), ...pagingQuery }) },
  responses: { 200: json(Page, 'pending requests'), ...errorResponses },
});

const history = createRoute({
  method: 'get',
  path: '/approvals/history',
  tags: ['approvals'],
  summary: 'Decided, expired and cancelled requests, with filters',
  middleware: [requireRole('viewer')] as const,
  request: {
    query: z.object({
      status: z.enum(APPROVAL_STATUSES).optional(),
      kind: z.string().max(64).optional(),
      actor: z.string().max(128).optional().openapi({ description: 'requester or anyone who decided' }),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      ...pagingQuery,
    }),
  },
  responses: { 200: json(Page, 'requests'), ...errorResponses },
});

const byTrace = createRoute({
  method: 'get',
  path: '/approvals',
  tags: ['approvals'],
  summary: 'Requests of one workflow, by trace id',
  middleware: [requireRole('viewer')] as const,
  request: { query: z.object({ trace: z.string().min(1).max(128), ...pagingQuery }) },
  responses: { 200: json(Page, 'requests'), ...errorResponses },
});

const detail = createRoute({
  method: 'get',
  path: '/approvals/{id}',
  tags: ['approvals'],
  summary: 'One request with its payload, decisions and history; with waitSec, answers as soon as it is final (long polling)',
  middleware: [requireRole('viewer', 'agent')] as const,
  request: {
    params: z.object({ id: z.uuid() }),
    query: z.object({
      waitSec: z.coerce.number().min(0).max(60).default(0).openapi({ description: 'wait up to this many seconds (≤ 60) for a pending request to be decided, expire or be cancelled' }),
    }),
  },
  responses: { 200: json(ApprovalDetail, 'the request'), ...errorResponses },
});

const decision = createRoute({
  method: 'post',
  path: '/approvals/{id}/decision',
  tags: ['approvals'],
  summary: 'Approve or reject on the console channel',
  middleware: [requireRole('approver')] as const,
  request: {
    params: z.object({ id: z.uuid() }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({
              decision: z.enum(['approve', 'reject']),
              reason: z.string().trim().max(1000).default(''),
              payloadHash: z.string().regex(/^[0-9a-f]{64}$/, 'the payloadHash of the request as shown'),
            })
            .refine((d) => d.decision === 'approve' || d.reason.length > 0, { path: ['reason'], message: 'a rejection needs a reason' }),
        },
      },
    },
  },
  responses: {
    200: json(z.object({ result: z.string(), message: z.string(), status: z.string(), request: Approval }), 'what the decision did'),
    409: json(z.object({ result: z.string(), message: z.string(), status: z.string(), request: Approval }), 'refused: nothing changed'),
    ...errorResponses,
  },
});

const page = (items: { items: z.infer<typeof Approval>[]; hasMore: boolean }, offset: number) => ({
  items: items.items,
  hasMore: items.hasMore,
  nextOffset: items.hasMore ? offset + items.items.length : null,
});

async function found<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ApprovalNotFoundError) throw notFound(error.message);
    throw error;
  }
}

/** The list routes the seed documents under /api/phase7 as well. */
export function approvalListRoutes(deps: Deps) {
  return newRouter()
    .openapi(pending, async (c) => {
      const q = c.req.valid('query');
      return c.json(page(await approvalList(deps, { status: ['pending'], kind: q.kind, limit: q.limit, offset: q.offset }), q.offset), 200);
    })
    .openapi(history, async (c) => {
      const q = c.req.valid('query');
      const status = q.status ? [q.status] : APPROVAL_STATUSES.filter((s) => s !== 'pending');
      const filter = { status, kind: q.kind, actor: q.actor, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, limit: q.limit, offset: q.offset };
      return c.json(page(await approvalList(deps, filter), q.offset), 200);
    });
}

export function approvalRoutes(deps: Deps) {
  return newRouter()
    .route('/', approvalListRoutes(deps))
    .openapi(byTrace, async (c) => {
      const q = c.req.valid('query');
      return c.json(page(await approvalList(deps, { traceId: q.trace, limit: q.limit, offset: q.offset }), q.offset), 200);
    })
    .route('/', externalApprovalRoutes(deps))
    .openapi(detail, async (c) => {
      const { id } = c.req.valid('param');
      const { waitSec } = c.req.valid('query');
      const principal = c.var.principal;
      const read = () => found(approvalDetail(deps, id));
      const first = await read();
      // An agent sees its own requests only; another client's is as if it did not exist.
      if (!mayRead(principal, first)) throw notFound(`no approval request ${id}`);
      const shown = first.status === 'pending' && waitSec > 0 ? await waitUntilFinal(deps, id, waitSec * 1000, read, (d) => d.status !== 'pending') : first;
      return c.json(shown, 200);
    })
    .openapi(decision, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const principal = c.var.principal;
      const outcome = await found(
        recordDecision(deps, id, { channel: 'console', actor: principal.name, actorPerson: principal.person, actorRoles: principal.roles, decision: body.decision, reason: body.reason, payloadHash: body.payloadHash }),
      );
      c.var.logger.info({ approval: id, result: outcome.result, by: principal.name }, 'approval decision');
      const { refusal: _refusal, ...response } = outcome;
      return outcome.result === 'refused' ? c.json(response, 409) : c.json(response, 200);
    });
}
