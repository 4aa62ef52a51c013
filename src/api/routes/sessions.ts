import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { appendAudit } from '../../audit/store.js';
import { liveSessions, revokeSessions } from '../../sessions/store.js';
import { requireRole } from '../auth.js';
import { newRouter } from '../router.js';
import { errorResponses, json, SafeString } from '../schemas.js';

const list = createRoute({
  method: 'get',
  path: '/sessions',
  tags: ['sessions'],
  summary: 'Live dashboard sessions (token name, start, expiry)',
  middleware: [requireRole('admin')] as const,
  responses: {
    200: json(z.object({ items: z.array(z.object({ tokenName: z.string(), createdAt: z.string(), expiresAt: z.string() })) }).openapi('Sessions'), 'live sessions'),
    ...errorResponses,
  },
});

const revoke = createRoute({
  method: 'post',
  path: '/sessions/revoke',
  tags: ['sessions'],
  summary: 'Log out everywhere: end every dashboard session, or those of one token name',
  middleware: [requireRole('admin')] as const,
  request: {
    body: {
      required: false,
      content: { 'application/json': { schema: z.strictObject({ tokenName: SafeString.min(1).max(200).optional().openapi({ description: 'only the sessions of this token; default: all' }) }) } },
    },
  },
  responses: { 200: json(z.object({ revoked: z.number() }).openapi('SessionsRevoked'), 'how many sessions ended'), ...errorResponses },
});

/** The admin's view of dashboard sessions, and "log out everywhere". */
export function sessionRoutes(deps: Deps) {
  return newRouter()
    .openapi(list, async (c) => c.json({ items: await liveSessions(deps.db, deps.clock.now()) }, 200))
    .openapi(revoke, async (c) => {
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      const now = deps.clock.now();
      const revoked = await revokeSessions(deps.db, { tokenName: body.tokenName }, now);
      await appendAudit(deps.db, {
        traceId: c.var.traceId,
        actor: c.var.principal.name,
        channel: 'api',
        action: 'sessions.revoked',
        subjectType: 'sessions',
        subjectId: body.tokenName ?? '*',
        data: { revoked },
        at: now,
      });
      return c.json({ revoked }, 200);
    });
}
