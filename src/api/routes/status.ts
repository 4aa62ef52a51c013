import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { systemStatus } from '../../status/status.js';
import { requireRole } from '../auth.js';
import { newRouter } from '../router.js';
import { errorResponses, json } from '../schemas.js';

const Component = z.object({
  enabled: z.boolean(),
  health: z.enum(['ok', 'failing', 'stale', 'waiting_first_run', 'disabled']),
  queue: z.string().nullable(),
  lastRun: z.object({ status: z.string(), startedAt: z.string(), traceId: z.string(), error: z.string().nullable() }).nullable(),
});

export const StatusSchema = z
  .object({
    service: z.string(),
    now: z.string(),
    versions: z.record(z.string(), z.string()),
    redis: z.object({ ok: z.boolean(), rttMs: z.number().optional(), evictionPolicy: z.string().nullable().optional(), error: z.string().optional() }),
    postgres: z.object({ ok: z.boolean(), kind: z.string(), rttMs: z.number().optional(), error: z.string().optional() }),
    components: z.record(z.string(), Component),
    queues: z.record(z.string(), z.record(z.string(), z.number())),
    config: z.unknown().openapi({ description: 'the effective config, secrets redacted' }),
  })
  .openapi('Status');

const status = createRoute({
  method: 'get',
  path: '/status',
  tags: ['status'],
  summary: 'Components, enable flags and health, queue counts, versions, redacted config',
  middleware: [requireRole('viewer')] as const,
  responses: { 200: json(StatusSchema, 'status'), 401: errorResponses[401], 403: errorResponses[403] },
});

/** Mounted at /api/v1 and at the seed's /api/phase7. */
export function statusRoutes(deps: Deps) {
  return newRouter().openapi(status, async (c) => c.json(await systemStatus(deps), 200));
}
