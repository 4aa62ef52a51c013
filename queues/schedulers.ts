import { randomUUID } from 'node:crypto';
import type { Config } from '../src/config/schema.js';
import type { RedisClient } from '../src/redis/connect.js';
import type { Queues } from './queues.js';
import { QUEUE_DEFINITIONS } from './registry.js';

export interface SchedulerChange {
  queue: string;
  action: 'created' | 'updated' | 'removed' | 'unchanged';
}

export const schedulerId = (queue: string) => `${queue}:schedule`;

/** One key (its own hash tag): the lock works the same on a single Redis and on a Cluster. */
export const schedulerLockKey = (prefix: string) => `{${prefix}:schedulers}:lock`;

/**
 * Registers each queue's job scheduler from config. Idempotent, and done under
 * a Redis lock: several processes upserting the same scheduler at once has had
 * BullMQ bugs (duplicate or missing ticks), and an unchanged scheduler is left
 * alone so its next tick is not moved.
 */
export async function registerSchedulers(
  queues: Queues,
  redis: RedisClient,
  config: Readonly<Config>,
): Promise<SchedulerChange[] | 'locked'> {
  const lockKey = schedulerLockKey(queues.prefix);
  const token = randomUUID();
  const acquired = await redis.set(lockKey, token, 'PX', 30_000, 'NX');
  if (acquired !== 'OK') return 'locked';
  try {
    const changes: SchedulerChange[] = [];
    for (const definition of QUEUE_DEFINITIONS) {
      if (!definition.schedule) continue;
      const queue = queues.get(definition.name);
      const id = schedulerId(definition.name);
      const wanted = definition.schedule(config);
      const existing = await queue.getJobScheduler(id);
      if (!wanted) {
        if (existing) await queue.removeJobScheduler(id);
        changes.push({ queue: definition.name, action: existing ? 'removed' : 'unchanged' });
        continue;
      }
      if (existing && Number(existing.every) === wanted.everyMs && existing.name === wanted.jobName) {
        changes.push({ queue: definition.name, action: 'unchanged' });
        continue;
      }
      await queue.upsertJobScheduler(id, { every: wanted.everyMs }, { name: wanted.jobName, data: {} });
      changes.push({ queue: definition.name, action: existing ? 'updated' : 'created' });
    }
    return changes;
  } finally {
    // Release only our own lock.
    await redis.eval(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
      1,
      lockKey,
      token,
    );
  }
}

/**
 * Re-registers the schedulers now and then: after Redis lost its data (restart
 * without persistence, FLUSHALL) the ticks, and with them the reconciler, come back.
 */
export function keepSchedulers(queues: Queues, redis: RedisClient, config: Readonly<Config>, onError: (error: unknown) => void): { stop(): void } {
  const timer = setInterval(() => {
    registerSchedulers(queues, redis, config).catch(onError);
  }, config.campaigns.reconcileEverySec * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
