import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisRole = 'worker' | 'producer';

/** A single Redis node or a Redis Cluster: every command Flywheel sends works on both. */
export type RedisClient = Redis | Cluster;

export interface RedisTarget {
  /** One `redis://` / `rediss://` URL, or with `cluster` one or more seed nodes, comma-separated. */
  url: string;
  cluster: boolean;
}

export interface SeedNode {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/** Parses REDIS_URL's comma-separated seed URLs; credentials and TLS come from the first that has them. */
export function parseSeeds(url: string): SeedNode[] {
  const seeds = url.split(',').map((part) => part.trim()).filter(Boolean);
  if (seeds.length === 0) throw new Error('redis.url names no Redis node');
  return seeds.map((seed) => {
    let parsed: URL;
    try {
      parsed = new URL(seed);
    } catch {
      throw new Error(`redis.url: "${seed.replace(/\/\/[^@/]*@/, '//***@')}" is not a redis:// URL`);
    }
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
      throw new Error(`redis.url: ${parsed.protocol} is not redis: or rediss:`);
    }
    return {
      host: parsed.hostname.replace(/^\[|\]$/g, ''),
      port: parsed.port ? Number(parsed.port) : 6379,
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      tls: parsed.protocol === 'rediss:',
    };
  });
}

/**
 * Opens a Redis connection for a role. Workers block on Redis and must retry
 * forever (`maxRetriesPerRequest: null`, BullMQ requires it); producers fail fast
 * so an HTTP request never hangs on a Redis outage. With `cluster`, an ioredis
 * Cluster discovers every shard from the seed nodes and follows failovers.
 */
export async function connectRedis(
  target: RedisTarget | string,
  role: RedisRole,
  onError: (error: Error) => void,
): Promise<RedisClient> {
  const { url, cluster } = typeof target === 'string' ? { url: target, cluster: false } : target;
  const common: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    connectTimeout: 5000,
  };
  let redis: RedisClient;
  if (cluster) {
    const seeds = parseSeeds(url);
    const auth = seeds.find((seed) => seed.password !== undefined);
    redis = new Cluster(
      seeds.map(({ host, port }) => ({ host, port })),
      {
        lazyConnect: true,
        enableOfflineQueue: role === 'worker',
        // Managed clusters announce nodes by hostnames that TLS certificates name: keep them as given.
        dnsLookup: (address, callback) => callback(null, address),
        // A promoted replica takes a moment to be announced: retry moved/failed-over slots rather than fail.
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 200,
        retryDelayOnTryAgain: 200,
        maxRedirections: 32,
        slotsRefreshTimeout: 2000,
        redisOptions: {
          ...common,
          ...(auth?.username ? { username: auth.username } : {}),
          ...(auth?.password ? { password: auth.password } : {}),
          ...(seeds.some((seed) => seed.tls) ? { tls: {} } : {}),
        },
      },
    );
  } else {
    redis = new Redis(url, { ...common, lazyConnect: true, enableOfflineQueue: role === 'worker' });
  }
  redis.on('error', onError);
  await redis.connect();
  return redis;
}

/** Round-trip time of a PING in milliseconds. */
export async function pingRedis(redis: RedisClient): Promise<number> {
  const started = performance.now();
  await redis.ping();
  return performance.now() - started;
}

/** Locks are keys with expiry: any eviction policy but noeviction can drop them (and queued jobs). */
export async function evictionPolicy(redis: RedisClient): Promise<string | null> {
  try {
    // On a cluster every master must say noeviction; report the first that does not.
    const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
    const policies = await Promise.all(nodes.map(async (node) => ((await node.config('GET', 'maxmemory-policy')) as string[])[1] ?? null));
    return policies.find((policy) => policy !== 'noeviction') ?? policies[0] ?? null;
  } catch {
    return null; // managed Redis may refuse CONFIG
  }
}
