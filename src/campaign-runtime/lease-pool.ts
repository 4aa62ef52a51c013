import { setTimeout as delay } from 'node:timers/promises';
import type { DownstreamBreaker } from './downstream-breaker.js';
import { type FleetLimiter, retryWaitMs } from './fleet-limiter.js';

/** Why a sender got no lease: paused (the campaign), or held (shutdown, Retry-After, circuit, a long wait, Redis down). */
export type NoLease = { stop: 'paused' | 'held' };

interface Waiter {
  resolve: (lease: string | NoLease) => void;
  signal: AbortSignal | undefined;
  since: number;
}

/** Longest a sender waits for a lease before its job gives the batch back to look again later. */
const MAX_WAIT_MS = 30_000;

/**
 * How late a request's timeout may fire: undici checks headersTimeout and bodyTimeout on a clock
 * ticking every 499 ms (measured: a 100 ms timeout fired after 1,030 ms, 1,000 ms after 1,500 ms).
 * A per-request AbortSignal.timeout would be exact but cost ~9 us of CPU a request (14 -> 24 us).
 */
const TIMEOUT_LATENESS_MS = 1000;

/** A lease outlives the longest its request can last by this much: a killed worker's leases lapse that soon after. */
const LEASE_SLACK_MS = 1000;

/** Room left between handing a lease out and its request going on the wire (the sender's own code, a moment descheduled). */
const HANDOUT_GUARD_MS = 250;

/**
 * The leases of every sender of one campaign to one downstream in this process (all its batch
 * jobs here share it): senders waiting at once share one acquire, leases given back go in one
 * release, or ride along with the next acquire, instead of Redis round trips per request and
 * per job. A lease is handed to a waiting sender as soon as it is granted and never kept:
 * after a pause nothing here can be spent.
 */
export class LeasePool {
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  /** The pump's acquire is in Redis: leases given back meanwhile ride along with its next one. */
  private asking: Promise<unknown> | null = null;
  /** The pump waits out a full concurrency limit: a lease given back ends the wait (its slot is free). */
  private wakeForSlot: (() => void) | null = null;
  private released: string[] = [];
  private flushQueued = false;
  private releasing: Promise<void> = Promise.resolve();
  private users = 0;
  /** Leases handed out as their downstream circuit's probe, with the probe's token. */
  private readonly probes = new Map<string, string>();
  /** The longest a request on a lease lasts: its timeout, firing late. */
  private readonly longestRequestMs: number;
  /** How long a lease lives in Redis: the longest request and the slack. */
  readonly leaseMs: number;

  constructor(
    private readonly limiter: FleetLimiter,
    private readonly breaker: DownstreamBreaker,
    readonly campaignId: string,
    readonly host: string,
    /** The requests' timeout (the channel's). */
    readonly requestMs: number,
  ) {
    this.longestRequestMs = requestMs + TIMEOUT_LATENESS_MS;
    this.leaseMs = this.longestRequestMs + LEASE_SLACK_MS;
  }

  /** A batch job starts using the pool; `leave` when it is done. */
  join(): void {
    this.users++;
  }

  /** True when the last user left (the owner may forget the pool). */
  leave(): boolean {
    return --this.users === 0;
  }

  take(signal?: AbortSignal): Promise<string | NoLease> {
    if (signal?.aborted) return Promise.resolve({ stop: 'held' });
    return new Promise((resolve) => {
      this.waiters.push({ resolve, signal, since: Date.now() });
      if (!this.pumping) void this.pump();
    });
  }

  private settle(which: (w: Waiter) => boolean, outcome: NoLease) {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (which(waiter)) {
        this.waiters.splice(i, 1);
        waiter.resolve(outcome);
      }
    }
  }

  private async pump() {
    this.pumping = true;
    try {
      for (let attempt = 0; ; attempt++) {
        this.settle((w) => w.signal?.aborted === true, { stop: 'held' });
        if (this.waiters.length === 0) return;
        const release = this.released.splice(0);
        const asked = performance.now();
        const acquiring = this.limiter.tryAcquire(this.campaignId, this.host, this.waiters.length, this.leaseMs, release);
        this.asking = acquiring;
        const got = await acquiring.finally(() => {
          this.asking = null;
        });
        // Redis granted them after `asked`, so they hold until asked + leaseMs at the earliest. Too
        // little of that left for a request: they may have lapsed and been granted again elsewhere.
        // They go back (a lapsed one is already gone) and the waiters ask again. So do leases asked for
        // before this process opened the downstream's circuit (Redis did not know of the hold yet).
        const stale =
          got.ok && (performance.now() + this.longestRequestMs + HANDOUT_GUARD_MS > asked + this.leaseMs || this.breaker.heldSince(this.host) >= asked);
        if (got.ok && got.leases.probe !== undefined) this.probes.set(got.leases.ids[0]!, got.leases.probe);
        if (got.ok && stale) for (const id of got.leases.ids) this.give(id);
        else if (got.ok) {
          attempt = -1;
          // A sender whose job began stopping while the acquire was out must not get a lease: it would send.
          this.settle((w) => w.signal?.aborted === true, { stop: 'held' });
          for (const id of got.leases.ids) {
            const waiter = this.waiters.shift();
            if (waiter) waiter.resolve(id);
            else this.give(id);
          }
          continue;
        } else if (got.reason === 'paused') {
          this.settle(() => true, { stop: 'paused' });
          return;
        }
        const now = Date.now();
        this.settle((w) => now - w.since >= MAX_WAIT_MS, { stop: 'held' });
        const wait = got.ok ? retryWaitMs(attempt, 0) : retryWaitMs(attempt, got.retryInMs, got.reason);
        if (!got.ok && got.reason === 'concurrency') {
          // Leases given back while it was out free slots: ask again at once, carrying them.
          if (this.released.length === 0) await this.sleepUntilSlot(wait);
        } else {
          this.flushReleased();
          await delay(wait);
        }
      }
    } catch {
      // Redis unreachable: nobody sends; each job gives its batch back and looks again later.
      this.settle(() => true, { stop: 'held' });
    } finally {
      this.pumping = false;
      // Leases given back while the last acquire was out, with no acquire left to carry them.
      this.flushReleased();
    }
  }

  /** Waits `ms`, or less if a lease is given back meanwhile: the next acquire then has a slot and carries the lease. */
  private async sleepUntilSlot(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wakeForSlot = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.wakeForSlot = null;
  }

  /**
   * A request on a lease has its answer (or gave up waiting for one): the lease goes back, or is
   * held when the request is in doubt, and the downstream's breaker learns whether it failed.
   */
  async answered(id: string, outcome: { failed: boolean; inDoubt: boolean }): Promise<void> {
    const probe = this.probes.get(id);
    this.probes.delete(id);
    if (outcome.inDoubt) this.hold(id);
    else this.give(id);
    // A lost breaker write only delays it: the next failures open the circuit, a lost probe lapses.
    await this.breaker.answered(this.host, outcome.failed, probe).catch(() => {});
  }

  /**
   * Gives a lease back unused (or via `answered`): with the pump's next acquire when one is out or
   * waiting for a slot (no Redis call of its own), else with others given back in the same tick.
   */
  give(id: string): void {
    const probe = this.probes.get(id);
    if (probe !== undefined) {
      // The probe was never sent: the next acquire anywhere may probe instead of waiting for it to lapse.
      this.probes.delete(id);
      void this.breaker.abandonProbe(this.host, probe).catch(() => {});
    }
    this.released.push(id);
    if (this.asking) return;
    if (this.wakeForSlot) {
      this.wakeForSlot();
      return;
    }
    this.flushReleased();
  }

  /** Releases what was given back and not yet carried by an acquire, in one call after this tick. */
  private flushReleased(): void {
    if (this.released.length === 0 || this.flushQueued) return;
    this.flushQueued = true;
    this.releasing = this.releasing.then(
      () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            this.flushQueued = false;
            const ids = this.released.splice(0);
            // A lost release only holds a slot until the lease lapses (leaseMs: the timeout, its lateness and the slack).
            this.limiter.release(this.campaignId, ids).then(resolve, () => resolve());
          }),
        ),
    );
  }

  /**
   * Keeps a lease's slot taken for a whole lease lifetime from now instead of giving it back: its
   * request was abandoned unanswered (a timeout) and the downstream may still be working on it.
   */
  hold(id: string): void {
    this.releasing = this.releasing.then(() => this.limiter.hold(this.campaignId, [id], this.leaseMs).catch(() => {}));
  }

  /** Waits until every lease given back so far has been released in Redis (or carried by an acquire). */
  async settled(): Promise<void> {
    this.flushReleased();
    await Promise.all([this.releasing, this.asking?.catch(() => {})]);
  }
}
