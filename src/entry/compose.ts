import { openQueues } from '../../queues/queues.js';
import { ActionRegistry } from '../actions/registry.js';
import { DOMAIN_ACTIONS } from '../actions/domain-actions.js';
import { CampaignRuntime } from '../campaign-runtime/runtime.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { openDatabase } from '../db/connect.js';
import { closeSealer, startSealer } from '../audit/seal.js';
import { migrateToLatest } from '../db/migrate.js';
import { DownstreamClient } from '../downstream/client.js';
import type { ActionHandler, Deps } from '../deps.js';
import type { Logger } from '../logger.js';
import { registerBusinessMetrics } from '../metrics/business.js';
import { createMetrics } from '../metrics/registry.js';
import { DEFAULT_ADAPTIVE_OPTIONS } from '../ops/controller/adaptive-options.js';
import { loadScalingReport } from '../ops/scaling/scaling-store.js';
import { oldestWaitingAgeMs } from '../ops/snapshot.js';
import { connectRedis, type RedisTarget } from '../redis/connect.js';
import { shutdownTelemetry } from '../telemetry/active.js';

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

/** The limit a campaign starts at: the controller's slow start, or the fixed limit, or no controller at all. */
function initialLimit(config: Readonly<Config>): number {
  const control = config.ops.control;
  if (!config.ops.enabled) return control.maxConcurrency;
  if (control.policy === 'fixed') return Math.min(control.fixedLimit, control.maxConcurrency);
  return Math.min(DEFAULT_ADAPTIVE_OPTIONS.initialLimit, control.maxConcurrency);
}

/** The composition root: builds Deps and registers every domain's action handlers. */
export async function buildDeps(options: DepsOptions): Promise<Deps> {
  const { config, logger } = options;
  const database = await openDatabase({ ...config.database, schema: options.dbSchema });
  if (options.migrate ?? true) await migrateToLatest(database.db);
  startSealer(database.db);
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
  const runtime = new CampaignRuntime({ db: database.db, redis, prefix: config.redis.prefix, initialLimit: initialLimit(config), breaker: config.campaigns.breaker });
  const clock = options.clock ?? systemClock;
  registerBusinessMetrics(metrics.registry, { db: database.db, redis, prefix: config.redis.prefix, runtime, clock });
  const downstream = new DownstreamClient({ connectionsPerOrigin: config.campaigns.connectionsPerDownstream });
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
    clock,
    metrics,
    actions: (options.extraActions ?? []).reduce((registry, handler) => registry.override(handler), new ActionRegistry(DOMAIN_ACTIONS)),
    runtime,
    downstream,
    close() {
      closing ??= (async () => {
        await downstream.close();
        await queues.close();
        await redis.quit().catch(() => redis.disconnect());
        // The last audit entries get their place in the chain before the pool closes.
        await closeSealer(database.db).catch(() => {});
        await database.close();
        await shutdownTelemetry();
      })();
      return closing;
    },
  };
}
