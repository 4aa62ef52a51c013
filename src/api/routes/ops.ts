import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { opsMetrics } from '../../ops/ops-metrics.js';
import { requireRole } from '../auth.js';
import { newRouter } from '../router.js';
import { OpsSnapshotSchema, ScalingReportSchema } from '../responses/ops.js';
import { errorResponses, json } from '../schemas.js';

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
        // A union, not .nullable(): the generator renders a nullable $ref as allOf [ref, object|null], which forbids null.
        current: z.union([OpsSnapshotSchema, z.null()]),
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
          scaling: z.union([ScalingReportSchema, z.null()]),
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
