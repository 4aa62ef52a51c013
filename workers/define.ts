import type { IntervalHistogram } from 'node:perf_hooks';
import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { QueueDefinition } from '../queues/define.js';
import type { Deps } from '../src/deps.js';
import type { Logger } from '../src/logger.js';

export interface JobContext<T> {
  data: T;
  traceId: string;
  job: Job;
  /** The job's lock token (for moveToDelayed and the like). */
  token: string | undefined;
  deps: Deps;
  logger: Logger;
  /** This process's event-loop delay histogram. */
  eventLoop: IntervalHistogram;
  /** Aborted when this process starts shutting down: a job waiting on something should give itself back. */
  stopping: AbortSignal;
  progress(value: number | object): Promise<void>;
}

export interface WorkerDefinition<S extends z.ZodType = z.ZodType> {
  queue: QueueDefinition<S>;
  process(context: JobContext<z.output<S>>): Promise<unknown>;
}

export const defineWorker = <S extends z.ZodType>(definition: WorkerDefinition<S>): WorkerDefinition<S> => definition;
