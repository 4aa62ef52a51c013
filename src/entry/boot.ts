import { registerSchedulers } from '../../queues/schedulers.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { DatabaseUnavailableError } from '../db/connect-errors.js';
import { DatabaseLockedError } from '../db/pglite-lock.js';
import type { Deps } from '../deps.js';
import { buildDeps } from './compose.js';
import { createLogger, type Logger } from '../logger.js';
import { evictionPolicy } from '../redis/connect.js';
import { ensureRedis, RedisUnavailableError } from '../redis/local-server.js';
import { withRunToken } from './login-banner.js';
import { startTelemetry } from '../telemetry/start.js';

export interface Booted {
  deps: Deps;
  /** Stops a redis-server this process started, if any. */
  stopLocalRedis(): Promise<void>;
  /** The admin token made for this run when none is configured (single process, not production). */
  runToken: string | null;
}

export interface BootOptions {
  process: 'start' | 'web' | 'worker' | 'bot' | 'release';
  /** Only the single-process start may launch redis-server and use embedded PGlite. */
  singleProcess: boolean;
}

/** Reads config, reaches Redis and Postgres, applies migrations and registers schedulers. */
export async function boot(options: BootOptions): Promise<Booted> {
  let loaded: Readonly<Config>;
  try {
    loaded = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof Error) exitWith(error.message);
    throw error;
  }
  const { config, generated: runToken } = options.singleProcess ? withRunToken(loaded, process.env.NODE_ENV) : { config: loaded, generated: null };
  const logger = createLogger(config.logging.level).child({ process: options.process });
  if (!config.database.url && !options.singleProcess) {
    exitWith(`the ${options.process} process needs DATABASE_URL: embedded PGlite serves a single process (npm start) only`);
  }
  // A cluster is reached through its seed nodes (connectRedis fails clearly); nothing to start locally.
  let local = { url: config.redis.url, stop: async () => {} };
  try {
    if (!config.redis.cluster) local = await ensureRedis(config.redis.url, {
      startLocal: options.singleProcess && config.redis.startLocal,
      dir: '.flywheel/redis',
    });
  } catch (error) {
    if (error instanceof RedisUnavailableError) exitWith(error.message);
    throw error;
  }
  if (local.url !== config.redis.url) logger.warn({ url: local.url }, 'Redis was not reachable; started a local redis-server');
  // Before buildDeps: queues and workers take BullMQ's telemetry, and pg gets patched, only if it runs first.
  const telemetry = await startTelemetry(process.env, options.process);
  if (telemetry) logger.info('OpenTelemetry tracing on (OTEL_* variables)');
  let deps: Deps;
  try {
    deps = await buildDeps({ config, logger, redisUrl: local.url });
  } catch (error) {
    if (error instanceof DatabaseUnavailableError || error instanceof DatabaseLockedError) exitWith(error.message);
    throw error;
  }
  logger.info({ database: deps.dbKind }, 'database migrated');
  await warnOnEviction(deps, logger);
  const schedulers = await registerSchedulers(deps.queues, deps.redis, config);
  logger.info({ schedulers }, 'job schedulers registered');
  return { deps, stopLocalRedis: local.stop, runToken };
}

async function warnOnEviction(deps: Deps, logger: Logger) {
  const policy = await evictionPolicy(deps.redis);
  if (policy && policy !== 'noeviction') {
    logger.error({ policy }, 'Redis maxmemory-policy must be noeviction: locks and jobs are keys that eviction can drop');
  }
}

export function exitWith(message: string): never {
  process.stderr.write(`flywheel: ${message}\n`);
  process.exit(1);
}

/**
 * First SIGTERM/SIGINT: graceful shutdown; a second signal or the deadline: exit now.
 * `stop` runs once (stop intake, drain workers, close queues, Redis, Postgres).
 */
export function onShutdown(logger: Logger, deadlineMs: number, stop: () => Promise<void>) {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown deadline passed: exiting');
      process.exit(1);
    }, deadlineMs);
    timer.unref();
    stop().then(
      () => {
        logger.info('shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
