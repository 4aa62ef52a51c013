import { z } from '@hono/zod-openapi';
import type { OpsSnapshot } from '../../ops/monitor.js';

const Queue = z.object({
  waiting: z.number(),
  active: z.number(),
  delayed: z.number(),
  prioritized: z.number(),
  failed: z.number(),
  completed: z.number(),
  backlog: z.number().openapi({ description: 'waiting + prioritized + delayed' }),
  oldestWaitingAgeMs: z.number().nullable(),
  completedTotal: z.number(),
  workers: z.number(),
});

const CampaignMetrics = z.object({
  name: z.string(),
  status: z.string(),
  downstream: z.string().openapi({ description: "the channel's host" }),
  requests: z.number(),
  throughputPerSec: z.number(),
  goodputPerSec: z.number(),
  errorRate: z.number(),
  p50LatencyMs: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
  p99LatencyMs: z.number().nullable(),
  limit: z.number().nullable().openapi({ description: 'the controller’s concurrency limit' }),
  ratePerSec: z.number().nullable(),
  batchSize: z.number().nullable(),
  reason: z.string().nullable(),
  capacityPerSec: z.number().nullable().openapi({ description: 'the controller’s capacity estimate (adaptive policy only)' }),
});

export const ScalingEntrySchema = z.object({ desiredWorkers: z.number(), currentWorkers: z.number(), reason: z.string(), detail: z.string() });

export const ScalingReportSchema = z
  .object({
    at: z.string(),
    traceId: z.string(),
    processes: z.record(z.string(), ScalingEntrySchema).openapi({ description: 'by Procfile process' }),
    queues: z.record(z.string(), ScalingEntrySchema.extend({ backlog: z.number(), oldestWaitingAgeMs: z.number().nullable(), throughputPerSec: z.number().nullable() })),
  })
  .openapi('ScalingReport');

/** One Ops monitor tick as stored (ops_snapshots). */
export const OpsSnapshotSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    queues: z.record(z.string(), Queue),
    redisRttMs: z.number(),
    postgresRttMs: z.number(),
    eventLoopLagMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
    campaigns: z.record(z.string(), CampaignMetrics).openapi({ description: 'running campaigns by id' }),
    capacity: z.record(z.string(), z.object({ perSec: z.number(), measuredAt: z.string(), campaignId: z.string() })).openapi({ description: 'by downstream host' }),
    scaling: ScalingReportSchema,
  })
  .openapi('OpsSnapshot');

// Drift between the stored snapshot and its documented shape fails the typecheck.
({}) as OpsSnapshot & { id: string } satisfies z.input<typeof OpsSnapshotSchema>;
