import { createRoute, z } from '@hono/zod-openapi';
import { findQueueDefinition, QUEUE_DEFINITIONS } from '../../../queues/registry.js';
import { InvalidJobDataError } from '../../../queues/queues.js';
import type { Deps } from '../../deps.js';
import { requireRole } from '../auth.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { newRouter } from '../router.js';
import { errorResponses, json, SafeString } from '../schemas.js';

const QueueParam = z.object({ queue: SafeString.min(1).max(64).openapi({ example: 'ops-monitor' }) });

const TriggerBody = z
  .strictObject({
    name: SafeString.min(1).max(64).optional().openapi({ description: 'job name; default "manual"' }),
    data: z.record(z.string(), z.unknown()).optional().openapi({ description: "the queue's payload, without traceId" }),
  })
  .openapi('TriggerJob');

const JobSchema = z
  .object({
    id: z.string(),
    queue: z.string(),
    name: z.string(),
    state: z.string(),
    progress: z.unknown(),
    attemptsMade: z.number(),
    data: z.unknown(),
    result: z.unknown(),
    failedReason: z.string().nullable(),
    traceId: z.string().nullable(),
    createdAt: z.string(),
    processedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Job');

const trigger = createRoute({
  method: 'post',
  path: '/jobs/{queue}',
  tags: ['jobs'],
  summary: 'Run an agent now',
  middleware: [requireRole('operator')] as const,
  request: {
    params: QueueParam,
    body: { required: false, content: { 'application/json': { schema: TriggerBody } } },
  },
  responses: {
    202: json(z.object({ id: z.string(), queue: z.string(), traceId: z.string() }), 'enqueued'),
    ...errorResponses,
  },
});

const read = createRoute({
  method: 'get',
  path: '/jobs/{queue}/{id}',
  tags: ['jobs'],
  summary: "A job's state, progress and result",
  middleware: [requireRole('viewer')] as const,
  request: { params: QueueParam.extend({ id: z.string().min(1).max(200) }) },
  responses: { 200: json(JobSchema, 'the job'), ...errorResponses },
});

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

export function jobRoutes(deps: Deps) {
  return newRouter()
    .openapi(trigger, async (c) => {
      const { queue } = c.req.valid('param');
      const definition = findQueueDefinition(queue);
      if (!definition) {
        const runnable = QUEUE_DEFINITIONS.filter((d) => d.triggerable).map((d) => d.name);
        throw notFound(`no queue named "${queue}"; queues you can run: ${runnable.join(', ')}`);
      }
      if (!definition.triggerable) throw new ApiError(409, 'not_triggerable', `queue "${queue}" is fed by Flywheel itself and cannot be run by hand`);
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      const traceId = c.var.traceId;
      try {
        const job = await deps.queues.enqueue(definition, body?.name ?? 'manual', { ...(body?.data ?? {}), traceId });
        c.var.logger.info({ queue, jobId: job.id, by: c.var.principal.name }, 'job enqueued');
        return c.json({ id: job.id, queue, traceId }, 202);
      } catch (error) {
        if (error instanceof InvalidJobDataError) {
          const issue = error.issues[0];
          throw badRequest(error.message, ['body', 'data', ...(issue?.path ?? []).map(String)].join('.'));
        }
        throw error;
      }
    })
    .openapi(read, async (c) => {
      const { queue, id } = c.req.valid('param');
      if (!findQueueDefinition(queue)) throw notFound(`no queue named "${queue}"`);
      // State first: a job read before it completed would show completed with no result.
      const state = await deps.queues.get(queue).getJobState(id);
      const job = await deps.queues.get(queue).getJob(id);
      if (!job) throw notFound(`no job ${id} in queue ${queue}`);
      const data = job.data as { traceId?: string } | undefined;
      return c.json(
        {
          id: job.id ?? id,
          queue,
          name: job.name,
          state,
          progress: job.progress,
          attemptsMade: job.attemptsMade,
          data: job.data,
          result: job.returnvalue ?? null,
          failedReason: job.failedReason || null,
          traceId: data?.traceId ?? null,
          createdAt: new Date(job.timestamp).toISOString(),
          processedAt: iso(job.processedOn),
          finishedAt: iso(job.finishedOn),
        },
        200,
      );
    });
}
