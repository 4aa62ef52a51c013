import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { Config } from '../src/config/schema.js';

/**
 * Every payload may carry the trace id of the request or schedule that started
 * the workflow. Scheduled ticks have none in their template; the worker derives
 * one from the tick's unique job id.
 */
export const traceField = { traceId: z.string().min(1).max(128).optional() };

export interface ScheduleSpec {
  everyMs: number;
  jobName: string;
}

export interface QueueDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  /** The job contract: job data is `unknown` until this schema accepts it. */
  payload: S;
  defaultJobOptions: JobsOptions;
  /** Agent queues can be run by hand through `POST /api/v1/jobs/:queue`. */
  triggerable: boolean;
  /** Record every run in Postgres (job_runs): right for agent runs, too costly for high-volume queues. */
  recordRuns: boolean;
  /** Jobs one worker process runs at once unless config.workers.concurrency says otherwise. @defaultValue 1 */
  defaultConcurrency?: number;
  /** The background schedule, or null when its component is disabled. */
  schedule: ((config: Readonly<Config>) => ScheduleSpec | null) | null;
}

export type PayloadOf<D> = D extends QueueDefinition<infer S> ? z.output<S> : never;

export const defineQueue = <S extends z.ZodType>(definition: QueueDefinition<S>): QueueDefinition<S> => definition;

/**
 * The BullMQ prefix of one queue. BullMQ's scripts touch many keys of a queue at once, so on a
 * Redis Cluster they must share a slot: each queue's keys carry a hash tag of their own
 * (`{flywheel:deliveries}:deliveries:wait`), which keeps one queue in one slot while different
 * queues spread over the shards. The same layout is used on a single Redis.
 */
export const queuePrefix = (prefix: string, queue: string) => `{${prefix}:${queue}}`;

/** Keeps finished jobs long enough to read results through the API, without growing Redis forever. */
export const RETENTION: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};
