import { createRoute, z } from '@hono/zod-openapi';
import { chainSeq } from '../../audit/row.js';
import { auditByTrace, verifyAuditLog } from '../../audit/store.js';
import type { Deps } from '../../deps.js';
import { requireRole } from '../auth.js';
import { newRouter } from '../router.js';
import { errorResponses, json } from '../schemas.js';

const verify = createRoute({
  method: 'get',
  path: '/audit/verify',
  tags: ['audit'],
  summary: 'Walk the hash chain and report the first broken link',
  middleware: [requireRole('viewer')] as const,
  responses: {
    200: json(z.object({ ok: z.boolean(), count: z.number().optional(), brokenAt: z.number().optional(), reason: z.string().optional() }), 'verification result'),
    ...errorResponses,
  },
});

const entries = createRoute({
  method: 'get',
  path: '/audit',
  tags: ['audit'],
  summary: 'Audit entries of one workflow, by trace id, oldest first',
  middleware: [requireRole('viewer')] as const,
  request: { query: z.object({ trace: z.string().min(1).max(128) }) },
  responses: {
    200: json(
      z.object({
        items: z.array(z.object({ seq: z.number().nullable().describe('place in the hash chain; null while the entry waits to be linked'), at: z.string(), actor: z.string(), channel: z.string(), action: z.string(), subjectType: z.string(), subjectId: z.string(), data: z.record(z.string(), z.unknown()) })),
      }),
      'entries',
    ),
    ...errorResponses,
  },
});

export function auditRoutes(deps: Deps) {
  return newRouter()
    .openapi(verify, async (c) => c.json(await verifyAuditLog(deps.db), 200))
    .openapi(entries, async (c) => {
      const rows = await auditByTrace(deps.db, c.req.valid('query').trace);
      const items = rows.map((r) => ({ seq: chainSeq(r), at: new Date(r.at).toISOString(), actor: r.actor, channel: r.channel, action: r.action, subjectType: r.subject_type, subjectId: r.subject_id, data: r.data }));
      return c.json({ items }, 200);
    });
}
