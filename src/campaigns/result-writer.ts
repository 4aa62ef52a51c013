import type { Sample } from '../campaign-runtime/samples.js';
import type { Deps } from '../deps.js';
import { recordDeliveryLatencies } from '../metrics/delivery-latency.js';
import { type DeliveryResult, writeResults } from './store.js';

/** The results added within one flush window, written in one statement. */
interface Flush {
  results: DeliveryResult[];
  samples: Sample[];
  /** Settles with the campaign's outstanding deliveries once written (null: the write changed no row). */
  done: Promise<number | null>;
  settle: (outcome: { outstanding: number | null } | { error: unknown }) => void;
}

function openFlush(): Flush {
  let settle: Flush['settle'] = () => {};
  const done = new Promise<number | null>((resolve, reject) => {
    settle = (outcome) => ('error' in outcome ? reject(outcome.error) : resolve(outcome.outstanding));
  });
  // A batch that stopped listening (it failed already) must not turn a failed write into an unhandled rejection.
  done.catch(() => {});
  return { results: [], samples: [], done, settle };
}

/**
 * Writes the results and samples of every batch job of one campaign in this process (group
 * commit): one UPDATE for all results seen within `flushMs` (or 500 of them) and, at the same
 * time, one samples append; one flush at a time. What arrives while a flush is being written waits for it and goes
 * in the next one, however many batches asked meanwhile: sixteen batches closing during one write
 * make one more statement, not sixteen queued one behind the other. Each batch waits for the
 * flushes holding its results (BatchResults).
 */
class CampaignResultWriter {
  private open: Flush | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing = false;
  /** A flush was asked for while one was being written: it goes as soon as that one is done. */
  private due = false;
  private users = 0;

  constructor(
    private readonly deps: Deps,
    private readonly campaignId: string,
    /** The channel's host, the label of the latency histogram on /metrics. */
    private readonly downstream: string,
    private readonly maxAttempts: number,
    private readonly flushMs: number,
    /** Called once no batch uses this writer and nothing is left to write. */
    private readonly forget: () => void,
  ) {}

  join(): void {
    this.users++;
  }

  /** A batch is done with it: flushes what is open now. */
  leave(): void {
    this.users--;
    this.flush();
    this.forgetIfIdle();
  }

  private forgetIfIdle() {
    // Forgotten only when idle: a batch arriving while results are still being written joins them.
    if (this.users === 0 && !this.writing && !this.open) this.forget();
  }

  /** Queues results for the next flush; the promise settles when that flush is written or failed. */
  add(results: readonly DeliveryResult[], sample: Sample): Promise<number | null> {
    const flush = (this.open ??= openFlush());
    flush.results.push(...results);
    flush.samples.push(sample);
    if (flush.results.length >= 500) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs);
    return flush.done;
  }

  /** Writes what is waiting now rather than at the end of the window (a batch has finished sending). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing) {
      this.due = true;
      return;
    }
    const flush = this.open;
    this.open = null;
    if (!flush) return;
    this.writing = true;
    void this.write(flush).finally(() => {
      this.writing = false;
      if (this.due) {
        this.due = false;
        this.flush();
      }
      this.forgetIfIdle();
    });
  }

  private async write(flush: Flush): Promise<void> {
    // Results to Postgres and samples to Redis at once: the samples say how the downstream answered,
    // true whether or not the results' write succeeds, and the Ops controller steps on them within
    // its next window. A batch waits for both; either failing fails its batches.
    const [written, published] = await Promise.allSettled([
      writeResults(this.deps.db, flush.results, this.maxAttempts),
      this.deps.runtime.recordSamples(this.campaignId, flush.samples),
    ]);
    const failed = written.status === 'rejected' ? written : published.status === 'rejected' ? published : null;
    if (failed) {
      flush.settle({ error: failed.reason });
      return;
    }
    flush.settle({ outstanding: written.status === 'fulfilled' ? written.value : null });
    // A metric never fails a batch nor holds the next flush back: the results are written already.
    void recordDeliveryLatencies(
      this.deps.redis,
      this.deps.config.redis.prefix,
      this.downstream,
      flush.samples.map((s) => s.latencyMs),
    ).catch((err: unknown) => this.deps.logger.warn({ err }, 'delivery latency metric not recorded'));
  }
}

const writers = new WeakMap<Deps, Map<string, CampaignResultWriter>>();

/**
 * One batch job's results, written with those of the campaign's other jobs in this process.
 * A failed write is kept: `failed` turns true as soon as a flush holding this batch's results
 * fails, so every sender of the batch stops, and `close` throws it once they have.
 */
export class BatchResults {
  error: unknown = null;
  /** The campaign's outstanding deliveries as the last flush holding this batch's results left them (null: unknown). */
  outstanding: number | null = null;
  private readonly flushes = new Set<Promise<number | null>>();
  private readonly writer: CampaignResultWriter;

  constructor(deps: Deps, campaignId: string, downstream: string, maxAttempts: number) {
    let byCampaign = writers.get(deps);
    if (!byCampaign) writers.set(deps, (byCampaign = new Map()));
    const key = `${campaignId}|${downstream}|${maxAttempts}`;
    let writer = byCampaign.get(key);
    if (!writer) {
      const forget = () => {
        if (byCampaign.get(key) === writer) byCampaign.delete(key);
      };
      writer = new CampaignResultWriter(deps, campaignId, downstream, maxAttempts, deps.config.campaigns.resultFlushMs, forget);
      byCampaign.set(key, writer);
    }
    writer.join();
    this.writer = writer;
  }

  get failed(): boolean {
    return this.error !== null;
  }

  /** Queued even after a failed flush: an answer that came in since is written if it can be, not sent again on the rerun. */
  add(results: readonly DeliveryResult[], sample: Sample): void {
    const done = this.writer.add(results, sample);
    if (this.flushes.has(done)) return;
    this.flushes.add(done);
    // One flush at a time per writer, in order: the last to settle is the newest.
    done.then(
      (outstanding) => {
        this.outstanding = outstanding;
      },
      (error: unknown) => {
        this.error ??= error;
      },
    );
  }

  /** Writes what is left; throws the first failed write's error, if any. */
  async close(): Promise<void> {
    this.writer.leave();
    await Promise.allSettled(this.flushes);
    if (this.failed) throw this.error;
  }
}
