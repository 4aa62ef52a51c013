import { randomUUID } from 'node:crypto';
import { type JobsOptions, Queue } from 'bullmq';
import type { RedisClient } from '../src/redis/connect.js';
import type { z } from 'zod';
import { type QueueDefinition, queuePrefix } from './define.js';
import { QUEUE_DEFINITIONS } from './registry.js';
import { bullmqTelemetryOption } from '../src/telemetry/active.js';

export class InvalidJobDataError extends Error {
  override name = 'InvalidJobDataError';
  constructor(readonly queue: string, readonly issues: z.core.$ZodIssue[]) {
    super(`${queue}: invalid job data: ${issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
}

export interface Queues {
  /** config.redis.prefix; each queue's own BullMQ prefix is queuePrefix(prefix, name). */
  readonly prefix: string;
  get(name: string): Queue;
  all(): Queue[];
  /** Validates the payload against the queue's contract, then adds the job. */
  enqueue<S extends z.ZodType>(
    definition: QueueDefinition<S>,
    name: string,
    data: z.input<S>,
    options?: JobsOptions,
  ): Promise<{ id: string; queue: string }>;
  /** The same for many jobs in one round trip; nothing is added if any payload is invalid. */
  enqueueBulk<S extends z.ZodType>(
    definition: QueueDefinition<S>,
    jobs: { name: string; data: z.input<S>; options?: JobsOptions }[],
  ): Promise<string[]>;
  close(): Promise<void>;
}

/** One BullMQ Queue per definition, sharing the producer connection. */
export function openQueues(connection: RedisClient, prefix: string, onError: (error: Error) => void): Queues {
  const byName = new Map<string, Queue>();
  for (const definition of QUEUE_DEFINITIONS) {
    const queue = new Queue(definition.name, {
      connection,
      prefix: queuePrefix(prefix, definition.name),
      defaultJobOptions: definition.defaultJobOptions,
      ...bullmqTelemetryOption(),
    });
    queue.on('error', onError);
    byName.set(definition.name, queue);
  }
  let closing: Promise<void> | undefined;
  return {
    prefix,
    get(name) {
      const queue = byName.get(name);
      if (!queue) throw new Error(`unknown queue ${name}`);
      return queue;
    },
    all: () => [...byName.values()],
    async enqueue(definition, name, data, options) {
      const parsed = definition.payload.safeParse(data);
      if (!parsed.success) throw new InvalidJobDataError(definition.name, parsed.error.issues);
      const jobId = options?.jobId ?? randomUUID();
      const job = await this.get(definition.name).add(name, parsed.data, { ...options, jobId });
      return { id: job.id ?? jobId, queue: definition.name };
    },
    async enqueueBulk(definition, jobs) {
      const parsed = jobs.map((job) => {
        const result = definition.payload.safeParse(job.data);
        if (!result.success) throw new InvalidJobDataError(definition.name, result.error.issues);
        return { name: job.name, data: result.data, opts: { ...job.options, jobId: job.options?.jobId ?? randomUUID() } };
      });
      const added = await this.get(definition.name).addBulk(parsed);
      return added.map((job, i) => job.id ?? parsed[i]!.opts.jobId);
    },
    close() {
      closing ??= Promise.all([...byName.values()].map((queue) => queue.close())).then(() => undefined);
      return closing;
    },
  };
}
