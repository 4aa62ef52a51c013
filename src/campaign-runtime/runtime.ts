import type { RedisClient as Redis } from '../redis/connect.js';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { type BreakerOptions, DownstreamBreaker, type DownstreamHold } from './downstream-breaker.js';
import { type Acquired, FleetLimiter, type LimitFields, type LiveLimits } from './fleet-limiter.js';
import { campaignKeys, runningSetKey } from './keys.js';
import { LeasePool } from './lease-pool.js';
import { appendSamples, newestSamples, type Sample, samplesSince } from './samples.js';

/** An operator's ceiling on a campaign's limits; the controller never goes above it. */
export interface OperatorCap {
  concurrency?: number;
  ratePerSec?: number;
  batchSize?: number;
}

/** Limits the controller publishes for a campaign (the cap still applies on top). */
export interface ControllerLimits {
  concurrency: number;
  ratePerSec: number;
}

export interface RuntimeOptions {
  db: Kysely<Database>;
  redis: Redis;
  /** `redis.prefix` from the config. */
  prefix: string;
  /** Concurrency a campaign starts at, and is restored to after Redis lost its limits (slow start). */
  initialLimit: number;
  /** @defaultValue DEFAULT_BREAKER_OPTIONS */
  breaker?: BreakerOptions;
}

/** One lease pool per campaign, downstream and request timeout in a process. */
const poolKey = (campaignId: string, host: string, requestMs: number) => `${campaignId}|${host}|${requestMs}`;

const capFields = (cap: OperatorCap): LimitFields => ({
  ...(cap.concurrency === undefined ? {} : { capConcurrency: String(cap.concurrency) }),
  ...(cap.ratePerSec === undefined ? {} : { capRate: String(cap.ratePerSec) }),
  ...(cap.batchSize === undefined ? {} : { capBatchSize: String(cap.batchSize) }),
});

/**
 * The one owner of a running campaign's runtime state: the running set, the fleet
 * limiter and its limits, the operator's cap, delivery samples and the Ops
 * controller's state. Built once per process (Deps); campaigns and ops both use it,
 * and it imports neither. Postgres is written first; Redis is a copy rebuilt from it
 * whenever it is missing (key layout: keys.ts).
 */
export class CampaignRuntime {
  private readonly limiter: FleetLimiter;
  private readonly breaker: DownstreamBreaker;
  private readonly pools = new Map<string, LeasePool>();

  constructor(private readonly options: RuntimeOptions) {
    this.breaker = new DownstreamBreaker(options.redis, options.prefix, options.breaker);
    this.limiter = new FleetLimiter(options.redis, options.prefix, (id) => this.restore(id).then(() => undefined), this.breaker);
  }

  private get redis() {
    return this.options.redis;
  }

  private keys(campaignId: string) {
    return campaignKeys(this.options.prefix, campaignId);
  }

  // --- running set ---

  async markRunning(campaignId: string): Promise<void> {
    await this.redis.sadd(runningSetKey(this.options.prefix), campaignId);
  }

  async markStopped(campaignId: string): Promise<void> {
    await this.redis.srem(runningSetKey(this.options.prefix), campaignId);
  }

  async runningIds(): Promise<string[]> {
    return this.redis.smembers(runningSetKey(this.options.prefix));
  }

  // --- limits ---

  /**
   * A campaign starting to send: the initial limit under the operator's cap, not paused (slow start).
   * Called inside the transaction that moved it to running, like every write of the pause flag: the
   * campaign row's lock orders them, so a pause that commits after the start is never overwritten.
   */
  async start(campaignId: string, trx: Transaction<Database>): Promise<void> {
    const cap = await this.capFromPostgres(campaignId, trx);
    await this.limiter.writeRestored(campaignId, { concurrency: String(this.options.initialLimit), ...capFields(cap) }, true);
    await this.markRunning(campaignId);
  }

  /**
   * Rebuilds a campaign's limits in Redis from Postgres when they are missing (a FLUSHALL,
   * a restart without persistence): its status decides paused, its cap is the ceiling,
   * and the controller's limit starts again from the initial one. True when written.
   * Reads under the campaign row's lock, so a pause committing meanwhile is seen.
   */
  async restore(campaignId: string): Promise<boolean> {
    return this.options.db.transaction().execute(async (trx) => (await this.restoreLocked(trx, campaignId)).written);
  }

  private async restoreLocked(trx: Transaction<Database>, campaignId: string) {
    const row = await trx.selectFrom('campaigns').select(['status', 'limits_cap']).where('id', '=', campaignId).forUpdate().executeTakeFirst();
    // A campaign that is not running (or is gone) is restored paused: nothing is sent for it.
    const paused = row?.status !== 'running';
    const written = await this.limiter.writeRestored(campaignId, {
      concurrency: String(this.options.initialLimit),
      ...capFields(row?.limits_cap ?? {}),
      ...(paused ? { paused: '1' } : {}),
    });
    if (row && ['running', 'paused'].includes(row.status)) await this.markRunning(campaignId);
    return { written, status: row?.status };
  }

  /**
   * Makes the live copy agree with Postgres (the reconciler): limits restored when missing, the
   * pause flag set for a paused campaign and lifted for a running one (its resume's Redis write
   * was lost). Decided and written under the campaign row's lock, as pause and resume write it,
   * so a pause or resume committing meanwhile is ordered before or after, never undone.
   */
  async sync(campaignId: string): Promise<void> {
    await this.options.db.transaction().execute(async (trx) => {
      const { status } = await this.restoreLocked(trx, campaignId);
      if (status === 'running') await this.resume(campaignId);
      else if (status === 'paused') await this.pause(campaignId);
    });
  }

  /** The limits the fleet applies now (controller's values within the cap). */
  async limits(campaignId: string): Promise<LiveLimits> {
    return this.limiter.read(campaignId);
  }

  /** The controller's new limits; the operator's cap still bounds them in the limiter. */
  async publish(campaignId: string, limits: ControllerLimits): Promise<void> {
    await this.limiter.write(campaignId, { concurrency: String(limits.concurrency), rate: String(limits.ratePerSec) });
  }

  /** Raises or lowers the operator's cap: Postgres first, then the live copy. Returns the whole cap. */
  async setCap(campaignId: string, patch: OperatorCap): Promise<OperatorCap> {
    const row = await this.options.db
      .updateTable('campaigns')
      .set({ limits_cap: sql<string>`limits_cap || ${JSON.stringify(patch)}::jsonb` })
      .where('id', '=', campaignId)
      .returning('limits_cap')
      .executeTakeFirstOrThrow();
    const cap = row.limits_cap;
    await this.limiter.write(campaignId, capFields(cap));
    return cap;
  }

  /** The operator's cap as Postgres holds it. */
  async capFromPostgres(campaignId: string, db: Kysely<Database> = this.options.db): Promise<OperatorCap> {
    const row = await db.selectFrom('campaigns').select('limits_cap').where('id', '=', campaignId).executeTakeFirst();
    return row?.limits_cap ?? {};
  }

  /** The operator's cap as the fleet applies it (Redis; restored from Postgres when missing). */
  async cap(campaignId: string): Promise<OperatorCap> {
    const [exists, values] = await Promise.all([
      this.limiter.exists(campaignId),
      this.redis.hmget(this.keys(campaignId).limits, 'capConcurrency', 'capRate', 'capBatchSize'),
    ]);
    if (!exists) return this.capFromPostgres(campaignId);
    const [concurrency, ratePerSec, batchSize] = values.map((v) => (v === null ? undefined : Number(v)));
    return { ...(concurrency === undefined ? {} : { concurrency }), ...(ratePerSec === undefined ? {} : { ratePerSec }), ...(batchSize === undefined ? {} : { batchSize }) };
  }

  // Writes below never restore first (no Postgres read, so they are safe inside a caller's
  // transaction): a hash without `epoch` is rebuilt from Postgres, which already holds the change.
  // Callers write the pause flag inside the transaction that changed the status (its row lock
  // orders them against each other and the reconciler, see sync).

  /** Every worker stops taking leases for the campaign from its next request on. */
  async pause(campaignId: string): Promise<void> {
    await this.limiter.write(campaignId, { paused: '1' });
  }

  async resume(campaignId: string): Promise<void> {
    await this.limiter.write(campaignId, {}, ['paused']);
    await this.markRunning(campaignId);
  }

  // --- leases ---

  acquire(campaignId: string, host: string, want: number, leaseMs: number, options: { maxWaitMs: number; signal?: AbortSignal }): Promise<Acquired> {
    return this.limiter.acquire(campaignId, host, want, leaseMs, options);
  }

  /**
   * The lease pool every sender of this campaign to `host` in this process shares (one acquire
   * for all of them at a time, releases riding along), for requests lasting at most `requestMs`.
   * `leavePool` when the batch is done.
   */
  joinPool(campaignId: string, host: string, requestMs: number): LeasePool {
    const key = poolKey(campaignId, host, requestMs);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new LeasePool(this.limiter, this.breaker, campaignId, host, requestMs);
      this.pools.set(key, pool);
    }
    pool.join();
    return pool;
  }

  /** A batch stops using its pool; waits until the leases it gave back are released. */
  async leavePool(pool: LeasePool): Promise<void> {
    const key = poolKey(pool.campaignId, pool.host, pool.requestMs);
    if (pool.leave() && this.pools.get(key) === pool) this.pools.delete(key);
    await pool.settled();
  }

  release(campaignId: string, ids: readonly string[]): Promise<void> {
    return this.limiter.release(campaignId, ids);
  }

  inFlight(campaignId: string): Promise<number> {
    return this.limiter.inFlight(campaignId);
  }

  /**
   * The most requests in flight at once across the fleet since the last call (the Ops controller's
   * step calls it once per window): a limit the senders never reached was not tested.
   */
  takePeakInFlight(campaignId: string): Promise<number> {
    return this.limiter.takePeakInFlight(campaignId);
  }

  // --- downstreams (their holds are fleet-wide, in Redis: downstream-breaker.ts) ---

  /** Holds every campaign's sends to `host` for `ms` (the downstream's Retry-After). */
  blockDownstream(host: string, ms: number): Promise<void> {
    return this.breaker.block(host, ms);
  }

  /**
   * Someone decided `host` may have recovered (a resume by a person, the policy or the Ops agent;
   * a healthy Ops probe): its circuit's hold ends now everywhere, and the next send is the probe.
   */
  retryDownstream(host: string): Promise<void> {
    return this.breaker.retryNow(host);
  }

  downstreamHold(host: string): Promise<DownstreamHold> {
    return this.breaker.read(host);
  }

  // --- samples ---

  recordSamples(campaignId: string, samples: readonly Sample[]): Promise<void> {
    return appendSamples(this.redis, this.keys(campaignId).samples, samples);
  }

  readSamples(campaignId: string, sinceMs: number): Promise<Sample[]> {
    return samplesSince(this.redis, this.keys(campaignId).samples, sinceMs);
  }

  latestSamples(campaignId: string, count: number): Promise<Sample[]> {
    return newestSamples(this.redis, this.keys(campaignId).samples, count);
  }

  // --- the Ops controller's state (its shape is the controller's business) ---

  async loadControl<T>(campaignId: string): Promise<T | null> {
    const raw = await this.redis.get(this.keys(campaignId).control);
    return raw ? (JSON.parse(raw) as T) : null;
  }

  async saveControl<T>(campaignId: string, control: T): Promise<void> {
    await this.redis.set(this.keys(campaignId).control, JSON.stringify(control), 'PX', 7 * 24 * 3600 * 1000);
  }
}
