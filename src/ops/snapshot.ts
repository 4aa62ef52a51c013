import type { IntervalHistogram } from 'node:perf_hooks';
import type { Queue } from 'bullmq';
import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { pingRedis } from '../redis/connect.js';

export interface QueueSnapshot {
  waiting: number;
  active: number;
  delayed: number;
  prioritized: number;
  failed: number;
  completed: number;
  /** waiting + prioritized + delayed: what scaling must drain (the wait list alone undercounts). */
  backlog: number;
  /** Age of the oldest waiting job: its time in queue so far (BullMQ keeps no time-in-queue metric). */
  oldestWaitingAgeMs: number | null;
  /** Jobs ever completed (BullMQ's worker metrics counter); throughput is its change between snapshots. */
  completedTotal: number;
  /** Worker instances connected for this queue, across processes. */
  workers: number;
}

/** Queues, round trips and this process's event loop: what every snapshot measures. */
export interface SystemSnapshot {
  at: string;
  queues: Record<string, QueueSnapshot>;
  redisRttMs: number;
  postgresRttMs: number;
  eventLoopLagMs: { p50: number; p99: number; max: number };
}

/** How long the oldest waiting job of a queue has waited (its time in queue so far), or null when none waits. */
export async function oldestWaitingAgeMs(queue: Queue, now: Date): Promise<number | null> {
  const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
  return oldest ? Math.max(0, now.getTime() - oldest.timestamp) : null;
}

export async function measureQueue(deps: Deps, name: string, now: Date): Promise<QueueSnapshot> {
  const queue = deps.queues.get(name);
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed');
  const [oldestAge, metrics, workers] = await Promise.all([oldestWaitingAgeMs(queue, now), queue.getMetrics('completed', 0, 0), queue.getWorkersCount()]);
  const c = (state: string) => counts[state] ?? 0;
  return {
    waiting: c('waiting'),
    active: c('active'),
    delayed: c('delayed'),
    prioritized: c('prioritized'),
    failed: c('failed'),
    completed: c('completed'),
    backlog: c('waiting') + c('prioritized') + c('delayed'),
    oldestWaitingAgeMs: oldestAge,
    completedTotal: metrics.meta.count,
    workers,
  };
}

/** Measures queues, Redis and Postgres round trips, and this process's event-loop lag. */
export async function takeSnapshot(deps: Deps, eventLoop: IntervalHistogram): Promise<SystemSnapshot> {
  const now = deps.clock.now();
  const queues: Record<string, QueueSnapshot> = {};
  for (const queue of deps.queues.all()) queues[queue.name] = await measureQueue(deps, queue.name, now);
  const redisRttMs = await pingRedis(deps.redis);
  const started = performance.now();
  await sql`select 1`.execute(deps.db);
  const postgresRttMs = performance.now() - started;
  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
  const eventLoopLagMs = {
    p50: ms(eventLoop.percentile(50)),
    p99: ms(eventLoop.percentile(99)),
    max: ms(eventLoop.max),
  };
  eventLoop.reset();
  return { at: now.toISOString(), queues, redisRttMs, postgresRttMs, eventLoopLagMs };
}
