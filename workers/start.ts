import { hostname } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DelayedError, MetricsTime, UnrecoverableError, Worker } from 'bullmq';
import { recordJobEnd, recordJobStart } from '../src/jobs/runs-store.js';
import type { Deps } from '../src/deps.js';
import type { RedisClient } from '../src/redis/connect.js';
import { queuePrefix } from '../queues/define.js';
import { expandWorkerQueues, GROUP_NAMES } from '../src/ops/scaling/worker-groups.js';
import type { WorkerDefinition } from './define.js';
import { WORKER_DEFINITIONS } from './registry.js';
import { bullmqTelemetryOption } from '../src/telemetry/active.js';

export interface RunningWorkers {
  queues: string[];
  /** Stops taking jobs and waits for in-flight ones up to `timeoutMs`; past it, closes by force
   * (the unfinished jobs' locks expire and BullMQ's stalled check hands them to another worker). */
  close(timeoutMs?: number): Promise<'drained' | 'forced'>;
}

/** Parses WORKER_QUEUES ("a,b", or a worker group: "delivery"); empty means every queue. Unknown names are an error. */
export function selectWorkers(list: string): WorkerDefinition[] {
  const given = list.split(',').map((name) => name.trim()).filter(Boolean);
  if (given.length === 0) return [...WORKER_DEFINITIONS];
  const names = expandWorkerQueues(given, WORKER_DEFINITIONS.map((definition) => definition.queue.name));
  return names.map((name) => {
    const found = WORKER_DEFINITIONS.find((definition) => definition.queue.name === name);
    if (!found) {
      const known = WORKER_DEFINITIONS.map((definition) => definition.queue.name).join(', ');
      throw new Error(`WORKER_QUEUES names unknown queue "${name}" (known: ${known}; groups: ${GROUP_NAMES.join(', ')})`);
    }
    return found;
  });
}

export function startWorkers(deps: Deps, connection: RedisClient, definitions = selectWorkers(deps.config.workers.queues)): RunningWorkers {
  const identity = `${hostname()}:${process.pid}`;
  const eventLoop = monitorEventLoopDelay({ resolution: 10 });
  eventLoop.enable();
  const stopping = new AbortController();
  const workers = definitions.map((definition) => {
    const queue = definition.queue.name;
    const worker = new Worker(
      queue,
      async (job, token) => {
        const parsed = definition.queue.payload.safeParse(job.data);
        if (!parsed.success) {
          throw new UnrecoverableError(`invalid job data: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        }
        const data = parsed.data as { traceId?: string };
        const traceId = data.traceId ?? `${queue}:${job.id}`;
        const logger = deps.logger.child({ traceId, queue, jobId: job.id });
        const run = {
          queue,
          jobId: job.id ?? '',
          jobName: job.name,
          traceId,
          attempt: job.attemptsMade + 1,
          worker: identity,
          startedAt: deps.clock.now(),
        };
        const runId = definition.queue.recordRuns ? await recordJobStart(deps.db, run) : null;
        const stopTimer = deps.metrics.jobDuration.startTimer({ queue });
        try {
          const result = await definition.process({
            data: parsed.data,
            traceId,
            job,
            token,
            deps,
            logger,
            eventLoop,
            stopping: stopping.signal,
            progress: (value) => job.updateProgress(value),
          });
          if (runId) await recordJobEnd(deps.db, runId, { status: 'completed', result, finishedAt: deps.clock.now() });
          stopTimer({ status: 'completed' });
          deps.metrics.jobsProcessed.inc({ queue, status: 'completed' });
          return result;
        } catch (error) {
          if (error instanceof DelayedError) throw error;
          const message = error instanceof Error ? error.message : String(error);
          if (runId) await recordJobEnd(deps.db, runId, { status: 'failed', error: message, finishedAt: deps.clock.now() });
          stopTimer({ status: 'failed' });
          deps.metrics.jobsProcessed.inc({ queue, status: 'failed' });
          logger.warn({ err: error }, 'job failed');
          throw error;
        }
      },
      {
        connection,
        prefix: queuePrefix(deps.queues.prefix, queue),
        concurrency: deps.config.workers.concurrency[queue] ?? definition.queue.defaultConcurrency ?? 1,
        lockDuration: deps.config.workers.lockDurationSec * 1000,
        stalledInterval: deps.config.workers.lockDurationSec * 1000,
        // BullMQ's completed counter: the Ops agent's throughput measure for scaling.
        metrics: { maxDataPoints: MetricsTime.ONE_HOUR * 24 },
        ...bullmqTelemetryOption(),
      },
    );
    worker.on('error', (error) => deps.logger.error({ err: error, queue }, 'worker error'));
    return worker;
  });
  let closing: Promise<'drained' | 'forced'> | undefined;
  return {
    queues: definitions.map((definition) => definition.queue.name),
    close(timeoutMs = deps.config.workers.shutdownTimeoutSec * 1000) {
      closing ??= (async () => {
        stopping.abort();
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'forced'>((resolve) => {
          timer = setTimeout(() => resolve('forced'), timeoutMs);
        });
        // worker.close() has no deadline of its own.
        const outcome = await Promise.race([Promise.all(workers.map((w) => w.close())).then(() => 'drained' as const), deadline]);
        clearTimeout(timer);
        if (outcome === 'forced') await Promise.all(workers.map((w) => w.close(true)));
        eventLoop.disable();
        return outcome;
      })();
      return closing;
    },
  };
}
