import { Redis } from 'ioredis';

export type RedisRole = 'worker' | 'producer';

/**
 * Opens a Redis connection for a role. Workers block on Redis and must retry
 * forever (`maxRetriesPerRequest: null`, BullMQ requires it); producers fail fast
 * so an HTTP request never hangs on a Redis outage.
 */
export async function connectRedis(
  url: string,
  role: RedisRole,
  onError: (error: Error) => void,
): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5000,
  });
  redis.on('error', onError);
  await redis.connect();
  return redis;
}

/** Round-trip time of a PING in milliseconds. */
export async function pingRedis(redis: Redis): Promise<number> {
  const started = performance.now();
  await redis.ping();
  return performance.now() - started;
}

/** Locks are keys with expiry: any eviction policy but noeviction can drop them (and queued jobs). */
export async function evictionPolicy(redis: Redis): Promise<string | null> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    return reply[1] ?? null;
  } catch {
    return null; // managed Redis may refuse CONFIG
  }
}
