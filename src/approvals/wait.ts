import { Cluster } from 'ioredis';
import type { Deps } from '../deps.js';
import type { RedisClient } from '../redis/connect.js';

/** Pub/sub channel on which every process announces a request that became final (works through PgBouncer, unlike LISTEN). */
export const finalChannel = (prefix: string) => `${prefix}:approvals:final`;

type Waiter = (id: string) => void;

/**
 * One subscriber connection per Redis connection, opened by the first waiter
 * and closed with the last: an idle process holds no extra connection, and
 * nothing is left open at shutdown once requests are answered.
 */
class FinalHub {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private subscriber: RedisClient | undefined;
  private ready: Promise<void> | undefined;
  private users = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly channel: string,
  ) {}

  async acquire(): Promise<void> {
    this.users++;
    if (!this.ready) {
      // A Cluster's duplicate takes no options; a standalone one must queue the SUBSCRIBE until connected.
      const redis = this.redis;
      const subscriber: RedisClient = redis instanceof Cluster ? redis.duplicate() : redis.duplicate({ enableOfflineQueue: true });
      subscriber.on('error', () => {});
      subscriber.on('message', (_channel: string, id: string) => {
        for (const wake of this.waiters.get(id) ?? []) wake(id);
      });
      this.subscriber = subscriber;
      this.ready = subscriber.subscribe(this.channel).then(() => undefined);
    }
    await this.ready;
  }

  release(): void {
    if (--this.users > 0) return;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.ready = undefined;
    void subscriber?.quit().catch(() => subscriber.disconnect());
  }

  on(id: string, wake: Waiter): () => void {
    let set = this.waiters.get(id);
    if (!set) this.waiters.set(id, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0) this.waiters.delete(id);
    };
  }
}

const hubs = new WeakMap<RedisClient, FinalHub>();

/**
 * Reads `read()` and, while `isFinal` says no, waits up to `ms` for the request
 * to be announced final, then reads once more. No polling: one subscription,
 * woken by {@link announceFinal}.
 */
export async function waitUntilFinal<T>(deps: Deps, id: string, ms: number, read: () => Promise<T>, isFinal: (value: T) => boolean): Promise<T> {
  if (ms <= 0) return read();
  let hub = hubs.get(deps.redis);
  if (!hub) hubs.set(deps.redis, (hub = new FinalHub(deps.redis, finalChannel(deps.queues.prefix))));
  await hub.acquire();
  let stop = () => {};
  try {
    const woken = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      const off = hub.on(id, () => resolve());
      stop = () => {
        clearTimeout(timer);
        off();
      };
    });
    // Subscribed before reading: a decision between the read and the wait still wakes us.
    const first = await read();
    if (isFinal(first)) return first;
    await woken;
    return await read();
  } finally {
    stop();
    hub.release();
  }
}

/** Tells every waiting process that a request is final (pending → approved, rejected, expired, cancelled). */
export async function announceFinal(deps: Deps, id: string): Promise<void> {
  await deps.redis.publish(finalChannel(deps.queues.prefix), id);
}
