import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { readiness } from '../../status/status.js';
import { newRouter } from '../router.js';
import { json } from '../schemas.js';

const Probe = z.object({ ok: z.boolean(), ms: z.number().optional(), error: z.string().optional() });

const live = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness: the process answers',
  responses: { 200: json(z.object({ ok: z.literal(true) }), 'alive') },
});

const ready = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness: Redis and Postgres reachable',
  responses: {
    200: json(z.object({ ready: z.boolean(), redis: Probe, postgres: Probe }), 'ready'),
    503: json(z.object({ ready: z.boolean(), redis: Probe, postgres: Probe }), 'not ready'),
  },
});

export function healthRoutes(deps: Deps) {
  return newRouter()
    .openapi(live, (c) => c.json({ ok: true as const }, 200))
    .openapi(ready, async (c) => {
      const result = await readiness(deps);
      const body = {
        ready: result.ready,
        redis: result.redis.ok ? { ok: true, ms: result.redis.ms } : { ok: false, error: result.redis.error },
        postgres: result.postgres.ok ? { ok: true, ms: result.postgres.ms } : { ok: false, error: result.postgres.error },
      };
      return result.ready ? c.json(body, 200) : c.json(body, 503);
    });
}
