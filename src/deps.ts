import type { Kysely } from 'kysely';
import { openQueues, type Queues } from '../queues/queues.js';
import { type ActionHandler, ActionRegistry } from './actions/registry.js';
import { DOMAIN_ACTIONS } from './actions/domain-actions.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { Config } from './config/schema.js';
import { openDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import type { Database } from './db/schema.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics/registry.js';
import { loadScalingReport } from './ops/scaling/scaling-store.js';
import { oldestWaitingAgeMs } from './ops/snapshot.js';
import { connectRedis, type RedisClient, type RedisTarget } from './redis/connect.js';

/** Everything a part of Flywheel may use, built once at the entry point and passed down. */
export interface Deps {
  config: Readonly<Config>;
  db: Kysely<Database>;
  dbKind: 'postgres' | 'pglite';
  /** The Redis actually in use (config.redis.url, or a locally started redis-server). */
  redisUrl: string;
  /** redisUrl with config.redis.cluster: what connectRedis needs to open more connections. */
  redisTarget: RedisTarget;
  /** Producer connection (a single node or a Cluster): fails fast, for requests and enqueues. */
  redis: RedisClient;
  queues: Queues;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  /** How each kind of action is applied once the policy or a human allows it. */
  actions: ActionRegistry;
  /** Closes queues, Redis and Postgres, in that order. Idempotent. */
  close(): Promise<void>;
}

export interface DepsOptions {
  config: Readonly<Config>;
  logger: Logger;
  clock?: Clock;
  /** Overrides config.redis.url (a locally started redis-server). */
  redisUrl?: string;
  /** Postgres schema for search_path (tests). */
  dbSchema?: string;
  migrate?: boolean;
  /** Action handlers that replace or add to the domains' own (tests stand in for a domain). */
  extraActions?: ActionHandler[];
}

export async function buildDeps(options: DepsOptions): Promise<Deps> {
  const { config, logger } = options;
  const database = await openDatabase({ ...config.database, schema: options.dbSchema });
  if (options.migrate ?? true) await migrateToLatest(database.db);
  const redisUrl = options.redisUrl ?? config.redis.url;
  const redisTarget: RedisTarget = { url: redisUrl, cluster: config.redis.cluster };
  const redis = await connectRedis(redisTarget, 'producer', (error) =>
    logger.error({ err: error }, 'redis connection error'),
  );
  const queues = openQueues(redis, config.redis.prefix, (error) => logger.error({ err: error }, 'queue error'));
  const metrics = createMetrics({
    queueCounts: () => Promise.all(queues.all().map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts() }))),
    oldestWaiting: () =>
      Promise.all(
        queues.all().map(async (queue) => ({ queue: queue.name, seconds: ((await oldestWaitingAgeMs(queue, new Date())) ?? 0) / 1000 })),
      ),
    desiredWorkers: async () => {
      const report = await loadScalingReport(redis, config.redis.prefix);
      return Object.entries(report?.processes ?? {}).map(([process, entry]) => ({ process, desired: entry.desiredWorkers, current: entry.currentWorkers }));
    },
  });
  let closing: Promise<void> | undefined;
  return {
    config,
    db: database.db,
    dbKind: database.kind,
    redisUrl,
    redisTarget,
    redis,
    queues,
    logger,
    clock: options.clock ?? systemClock,
    metrics,
    actions: (options.extraActions ?? []).reduce((registry, handler) => registry.override(handler), new ActionRegistry(DOMAIN_ACTIONS)),
    close() {
      closing ??= (async () => {
        await queues.close();
        await redis.quit().catch(() => redis.disconnect());
        await database.close();
      })();
      return closing;
    },
  };
}
