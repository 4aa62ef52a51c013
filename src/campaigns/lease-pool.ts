import type { CampaignRuntime } from '../campaign-runtime/runtime.js';

/** Why a sender got no lease: paused (the campaign), or held (shutdown, Retry-After, circuit, a long wait). */
export type NoLease = { stop: 'paused' | 'held' };

/**
 * The leases of one batch job's senders, taken and given back in bulk: senders
 * waiting at once share one acquire, and leases given back in the same tick go in
 * one release, instead of a Redis round trip (and a poll) per request each way.
 */
export class LeasePool {
  private readonly waiters: ((lease: string | NoLease) => void)[] = [];
  private pumping = false;
  private released: string[] = [];
  private releasing: Promise<void> = Promise.resolve();

  constructor(
    private readonly runtime: CampaignRuntime,
    private readonly campaignId: string,
    private readonly host: string,
    private readonly leaseMs: number,
    private readonly signal?: AbortSignal,
  ) {}

  take(): Promise<string | NoLease> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (!this.pumping) void this.pump();
    });
  }

  private async pump() {
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const got = await this.runtime.acquire(this.campaignId, this.host, this.waiters.length, this.leaseMs, {
          maxWaitMs: 30_000,
          ...(this.signal ? { signal: this.signal } : {}),
        });
        if (got.ok) {
          for (const id of got.leases.ids) this.waiters.shift()?.(id);
          continue;
        }
        const stop: NoLease = { stop: got.reason === 'paused' ? 'paused' : 'held' };
        for (const waiter of this.waiters.splice(0)) waiter(stop);
      }
    } catch (error) {
      // Redis unreachable: nobody sends; the job gives its batch back.
      for (const waiter of this.waiters.splice(0)) waiter({ stop: 'held' });
      throw error;
    } finally {
      this.pumping = false;
    }
  }

  /** Gives a lease back; leases given back in one tick are released together. */
  give(id: string): void {
    this.released.push(id);
    if (this.released.length === 1) {
      this.releasing = this.releasing.then(
        () =>
          new Promise<void>((resolve) =>
            setImmediate(() => {
              const ids = this.released;
              this.released = [];
              // A lost release only holds a slot until the lease lapses (timeout + 1 s).
              this.runtime.release(this.campaignId, ids).then(resolve, () => resolve());
            }),
          ),
      );
    }
  }

  /** Waits for every release given back so far. */
  async close(): Promise<void> {
    await this.releasing;
  }
}
