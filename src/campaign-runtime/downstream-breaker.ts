import type { RedisClient as Redis } from '../redis/connect.js';
import { ABANDON_PROBE, BLOCK_DOWNSTREAM, DOWNSTREAM_WAIT, PROBE_ANSWER, RETRY_NOW, TRIP } from './downstream-scripts.js';
import { downstreamStateKey } from './keys.js';
import { runScript } from './run-script.js';

/** Options of the circuit breaker every downstream has. */
export interface BreakerOptions {
  /** Failed answers (none, 5xx, 429) in a row, seen by one process, that open the circuit. @defaultValue 5 */
  failures: number;
  /** First hold once open; doubles on each failed probe. @defaultValue 1000 */
  openMs: number;
  /** Longest hold, the circuit's or a Retry-After's. @defaultValue 30000 */
  maxOpenMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = { failures: 5, openMs: 1000, maxOpenMs: 30_000 };

/** The downstream could not take the request (no answer, 5xx, 429), as opposed to refusing the message (4xx). */
export const downstreamFailed = (status: number | null): boolean => status === null || status >= 500 || status === 429;

/** How a downstream's state hash reads (tests, the Ops page). */
export interface DownstreamHold {
  circuit: 'closed' | 'open' | 'half_open';
  /** The circuit's current hold (0 after a resume: the next failed probe holds for openMs). */
  holdMs: number;
  /** Ms until sends go again (the circuit's hold or a Retry-After); 0 when they may. */
  waitMs: number;
  /** A probe is out: everyone else waits for its answer (or for its lease to lapse). */
  probing: boolean;
}

/**
 * The circuit breaker of every downstream, fleet-wide: the hold lives in Redis (downstream-scripts.ts)
 * and every worker process's acquire reads it, so one process's evidence stops them all, one probe
 * goes for the whole fleet, and a resume or a healthy Ops probe lifts it everywhere at once.
 * Only the count of failures in a row is kept here, per process: counting in Redis would cost a
 * write on every successful send (the hot path), and a row of failures one process sees is evidence
 * enough. Built by the campaign runtime.
 */
export class DownstreamBreaker {
  private readonly failures = new Map<string, number>();
  /** When this process last (re)opened a downstream's circuit (performance.now()). */
  private readonly heldAt = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: BreakerOptions = DEFAULT_BREAKER_OPTIONS,
  ) {}

  private key(host: string) {
    return downstreamStateKey(this.prefix, host);
  }

  /** Ms to wait before sending to `host` (> 0), 0 to go, -1 to go as the circuit's probe (claimed for `token`). */
  async wait(host: string, token: string, probeMs: number): Promise<number> {
    return Number(await runScript(this.redis, DOWNSTREAM_WAIT, [this.key(host)], [token, String(Math.ceil(probeMs))]));
  }

  /** A probe claim that sends nothing after all: the next acquire may probe at once. */
  async abandonProbe(host: string, token: string): Promise<void> {
    await runScript(this.redis, ABANDON_PROBE, [this.key(host)], [token]);
  }

  /**
   * A request's outcome. `probe` is its token when the request was the circuit's probe. No Redis
   * call unless the circuit changes: a success (not a probe) only resets this process's count.
   */
  async answered(host: string, failed: boolean, probe?: string): Promise<void> {
    const o = this.options;
    if (probe !== undefined) {
      this.failures.delete(host);
      if (failed) this.heldAt.set(host, performance.now());
      await runScript(this.redis, PROBE_ANSWER, [this.key(host)], [probe, failed ? '1' : '0', String(o.openMs), String(o.maxOpenMs)]);
      return;
    }
    if (!failed) {
      this.failures.delete(host);
      return;
    }
    const count = (this.failures.get(host) ?? 0) + 1;
    if (count < o.failures) {
      this.failures.set(host, count);
      return;
    }
    // Counted afresh from here: the answers still in flight must make a row of their own to matter.
    this.failures.delete(host);
    this.heldAt.set(host, performance.now());
    await runScript(this.redis, TRIP, [this.key(host)], [String(o.openMs)]);
  }

  /**
   * When this process last opened `host`'s circuit. Leases asked for before then were granted on
   * Redis's word from before the hold: fast failures make many more requests in the round trip the
   * hold takes to be written, so they go back unsent. (An acquire asked after it is ordered after
   * the write: one connection, one slot.)
   */
  heldSince(host: string): number {
    return this.heldAt.get(host) ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * Holds every send to `host` for `ms` (the downstream's Retry-After), at most `maxOpenMs`: a
   * misconfigured downstream's "Retry-After: 3600" held every campaign sending there for an hour,
   * and no resume lifts a Retry-After.
   */
  async block(host: string, ms: number): Promise<void> {
    await runScript(this.redis, BLOCK_DOWNSTREAM, [this.key(host)], [String(Math.ceil(Math.min(ms, this.options.maxOpenMs)))]);
  }

  /** Ends the circuit's hold on `host` now: the next send anywhere is its probe. A closed circuit is left alone. */
  async retryNow(host: string): Promise<void> {
    await runScript(this.redis, RETRY_NOW, [this.key(host)], []);
  }

  async read(host: string): Promise<DownstreamHold> {
    const [fields, time] = await Promise.all([this.redis.hgetall(this.key(host)), this.redis.time()]);
    const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    const waitMs = Math.max(0, Number(fields.blockedUntil ?? 0) - now, Number(fields.openUntil ?? 0) - now);
    const circuit = fields.holdMs === undefined ? 'closed' : Number(fields.openUntil ?? 0) > now ? 'open' : 'half_open';
    return { circuit, holdMs: Number(fields.holdMs ?? 0), waitMs, probing: Number(fields.probeUntil ?? 0) > now };
  }
}
