import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { opsMetrics } from '../../ops/ops-metrics.js';
import { requireRole } from '../auth.js';
import { newRouter } from '../router.js';
import { errorResponses, json } from '../schemas.js';

const scalingEntry = z.object({ desiredWorkers: z.number(), currentWorkers: z.number(), reason: z.string(), detail: z.string() });
const recommendation = z.object({ batchSize: z.number(), ratePerSec: z.number(), estimatedDurationSec: z.number().nullable(), reason: z.string() });

const metrics = createRoute({
  method: 'get',
  path: '/ops/metrics',
  tags: ['ops'],
  summary: 'Current system and campaign metrics, recent history, and the Ops agent’s recommendations',
  middleware: [requireRole('viewer')] as const,
  request: { query: z.object({ history: z.coerce.number().int().min(1).max(1000).default(60) }) },
  responses: {
    200: json(
      z.object({
        current: z.record(z.string(), z.unknown()).nullable(),
        history: z.array(
          z.object({
            at: z.string(),
            backlog: z.number(),
            oldestWaitingAgeMs: z.number().nullable(),
            redisRttMs: z.number(),
            postgresRttMs: z.number(),
            eventLoopLagP99Ms: z.number(),
            deliveriesPerSec: z.number(),
            desiredWorkers: z.number().nullable(),
          }),
        ),
        recommendations: z.object({
          scaling: z
            .object({ at: z.string(), traceId: z.string(), processes: z.record(z.string(), scalingEntry), queues: z.record(z.string(), scalingEntry.passthrough()) })
            .nullable(),
          campaigns: z.array(
            z.object({
              campaignId: z.string(),
              name: z.string(),
              limit: z.number().nullable(),
              ratePerSec: z.number().nullable(),
              batchSize: z.number().nullable(),
              reason: z.string().nullable(),
            }),
          ),
          launch: z.array(z.object({ downstream: z.string().nullable(), capacityPerSec: z.number().nullable(), recommendation })),
        }),
      }),
      'ops metrics',
    ),
    ...errorResponses,
  },
});

export function opsRoutes(deps: Deps) {
  return newRouter().openapi(metrics, async (c) => c.json(await opsMetrics(deps, c.req.valid('query').history), 200));
}
