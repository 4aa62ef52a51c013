import { createRoute, z } from '@hono/zod-openapi';
import { cancelRequest } from '../../approvals/cancel.js';
import { ApprovalNotFoundError } from '../../approvals/errors.js';
import { ExternalRequestError, fileExternal } from '../../approvals/external.js';
import { approvalDetail, approvalList } from '../../approvals/read.js';
import type { ApprovalDetail as Detail } from '../../approvals/view.js';
import type { Deps } from '../../deps.js';
import { PRIORITIES } from '../../vocabulary/priorities.js';
import { requireRole } from '../auth.js';
import type { Principal } from '../env.js';
import { ApiError, notFound } from '../errors.js';
import { newRouter } from '../router.js';
import { errorResponses, json, pagingQuery } from '../schemas.js';
import { ApprovalDetailSchema as ApprovalDetail, ApprovalPageSchema as Page } from '../responses/approval.js';
import { APPROVAL_STATUSES } from '../../vocabulary/approval-statuses.js';


/** Only an agent-only token is limited to its own requests; people with a reading role see all. */
export const agentOnly = (principal: Principal) => principal.roles.every((role) => role === 'agent');
export const mayRead = (principal: Principal, request: Pick<Detail, 'clientId'>) => !agentOnly(principal) || request.clientId === principal.tokenId;

const create = createRoute({
  method: 'post',
  path: '/approvals',
  tags: ['approvals'],
  summary: 'Ask a human: file an approval request from an outside system (agent or operator token)',
  middleware: [requireRole('agent', 'operator')] as const,
  request: {
    headers: z.object({
      'idempotency-key': z.string().min(1).max(200).optional().openapi({ description: 'a retry with the same key returns the same request (200)' }),
    }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            kind: z.string().min(3).max(100).openapi({ example: 'meta.strategy.apply', description: 'namespaced, lowercase' }),
            title: z.string().trim().min(1).max(200),
            summary: z.string().max(20_000).default('').openapi({ description: 'Markdown, shown to the approvers' }),
            payload: z.record(z.string(), z.unknown()).default({}).openapi({ description: 'what is approved: its hash binds the decision' }),
            priority: z.enum(PRIORITIES).default('normal'),
            requester: z.string().trim().min(1).max(128).optional().openapi({ description: "on whose behalf; default the token's name" }),
            callbackUrl: z.string().max(2000).optional().openapi({ description: 'POSTed the outcome, signed (x-flywheel-signature)' }),
          }),
        },
      },
    },
  },
  responses: { 201: json(ApprovalDetail, 'filed'), 200: json(ApprovalDetail, 'a repeat of an earlier request (same Idempotency-Key)'), 422: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'the key was used for a different request'), ...errorResponses },
});

const mine = createRoute({
  method: 'get',
  path: '/approvals/mine',
  tags: ['approvals'],
  summary: 'The requests this token filed, newest first',
  middleware: [requireRole('agent', 'operator')] as const,
  request: { query: z.object({ status: z.enum(APPROVAL_STATUSES).optional(), ...pagingQuery }) },
  responses: { 200: json(Page, 'requests'), ...errorResponses },
});

const cancel = createRoute({
  method: 'post',
  path: '/approvals/{id}/cancel',
  tags: ['approvals'],
  summary: 'Withdraw a pending request this token filed',
  middleware: [requireRole('agent', 'operator')] as const,
  request: { params: z.object({ id: z.uuid() }), body: { required: false, content: { 'application/json': { schema: z.strictObject({ reason: z.string().max(1000).default('') }) } } } },
  responses: { 200: json(ApprovalDetail, 'cancelled'), 409: json(ApprovalDetail, 'final already: nothing changed'), ...errorResponses },
});

/** Requests from outside systems: file, list one's own, cancel. */
export function externalApprovalRoutes(deps: Deps) {
  const own = async (principal: Principal, id: string) => {
    const shown = await approvalDetail(deps, id).catch((error) => {
      if (error instanceof ApprovalNotFoundError) throw notFound(error.message);
      throw error;
    });
    if (!mayRead(principal, shown)) throw notFound(`no approval request ${id}`);
    return shown;
  };
  return newRouter()
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      const principal = c.var.principal;
      try {
        const { row, created } = await fileExternal(
          deps,
          { ...body, idempotencyKey: c.req.valid('header')['idempotency-key'] },
          { tokenId: principal.tokenId, name: principal.name, person: principal.person },
          c.var.traceId,
        );
        const shown = await approvalDetail(deps, row.id);
        return created ? c.json(shown, 201) : c.json(shown, 200);
      } catch (error) {
        if (error instanceof ExternalRequestError) throw new ApiError(error.status, error.code, error.message, error.field);
        throw error;
      }
    })
    .openapi(mine, async (c) => {
      const q = c.req.valid('query');
      const list = await approvalList(deps, { clientId: c.var.principal.tokenId, status: q.status ? [q.status] : undefined, limit: q.limit, offset: q.offset });
      return c.json({ ...list, nextOffset: list.hasMore ? q.offset + list.items.length : null }, 200);
    })
    .openapi(cancel, async (c) => {
      const { id } = c.req.valid('param');
      const principal = c.var.principal;
      const before = await own(principal, id);
      if (before.clientId !== principal.tokenId && !principal.roles.includes('admin')) throw new ApiError(403, 'forbidden', 'only the token that filed a request may cancel it');
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : { reason: '' };
      const cancelled = await cancelRequest(deps, id, principal.name, body.reason);
      const after = await approvalDetail(deps, id);
      return cancelled ? c.json(after, 200) : c.json(after, 409);
    });
}
