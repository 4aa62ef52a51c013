import type { Sample } from '../campaign-runtime/samples.js';
import type { Deps } from '../deps.js';
import { recordDeliveryLatencies } from '../metrics/delivery-latency.js';
import { type DeliveryResult, writeResults } from './store.js';

/**
 * Writes a batch job's results and samples in groups: one UPDATE for every result
 * seen within `flushMs` (or 500 of them), then one samples append. A failed write
 * is kept: `failed` turns true at once, so every sender of the batch stops, and
 * `close` throws it once they have.
 */
export class ResultWriter {
  private results: DeliveryResult[] = [];
  private samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  error: unknown = null;

  constructor(
    private readonly deps: Deps,
    private readonly campaignId: string,
    /** The channel's host, the label of the latency histogram on /metrics. */
    private readonly downstream: string,
    private readonly maxAttempts: number,
    private readonly flushMs: number,
  ) {}

  get failed(): boolean {
    return this.error !== null;
  }

  add(results: readonly DeliveryResult[], sample: Sample): void {
    if (this.failed) return;
    this.results.push(...results);
    this.samples.push(sample);
    if (this.results.length >= 500) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const results = this.results;
    const samples = this.samples;
    this.results = [];
    this.samples = [];
    if (results.length === 0) return;
    this.writing = this.writing.then(async () => {
      if (this.failed) return;
      try {
        await writeResults(this.deps.db, results, this.maxAttempts);
        // Published as soon as written: the Ops controller steps on what it sees within its next window.
        await this.deps.runtime.recordSamples(this.campaignId, samples);
        // A metric never fails a batch: the results are written already.
        await recordDeliveryLatencies(
          this.deps.redis,
          this.deps.config.redis.prefix,
          this.downstream,
          samples.map((s) => s.latencyMs),
        ).catch((err: unknown) => this.deps.logger.warn({ err }, 'delivery latency metric not recorded'));
      } catch (error) {
        this.error = error;
      }
    });
  }

  /** Writes what is left; throws the first write's error, if any. */
  async close(): Promise<void> {
    this.flush();
    await this.writing;
    if (this.failed) throw this.error;
  }
}
