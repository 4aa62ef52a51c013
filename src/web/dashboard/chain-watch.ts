import type { Kysely } from 'kysely';
import { type ChainVerdict, GENESIS_HASH, verifyChain } from '../../audit/chain.js';
import { auditChainAfter } from '../../audit/store.js';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/schema.js';

export interface ChainStatus {
  verdict: ChainVerdict | null;
  /** Entries verified so far (the chain's head as last checked). */
  verifiedThrough: number;
  checkedAt: Date | null;
  fullCheckAt: Date | null;
  running: boolean;
}

// Small slices: verifying one is synchronous (a hash per entry), and a page view waits behind it.
const PAGE = 500;

/**
 * The audit chain's verification status for the dashboard, kept current off the
 * request path: each look starts a check in the background when the last one is
 * stale. New entries are verified from the last verified head on; the whole chain
 * again every `fullEveryMs` (an edit of an old entry is found by the next full pass).
 */
export class ChainWatch {
  private head = { seq: 0, hash: GENESIS_HASH };
  private state: ChainStatus = { verdict: null, verifiedThrough: 0, checkedAt: null, fullCheckAt: null, running: false };
  private pending: Promise<ChainStatus> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly options: { staleMs: number; fullEveryMs: number } = { staleMs: 10_000, fullEveryMs: 5 * 60_000 },
  ) {}

  /** The status as last checked; starts a check when it is stale. */
  status(): ChainStatus {
    const now = this.clock.now().getTime();
    if (!this.state.checkedAt || now - this.state.checkedAt.getTime() > this.options.staleMs) void this.refresh().catch(() => {});
    return { ...this.state, running: this.pending !== null };
  }

  /** Checks now (or joins the check under way) and returns the result. */
  refresh(full = false): Promise<ChainStatus> {
    this.pending ??= this.check(full).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async check(forceFull: boolean): Promise<ChainStatus> {
    const now = this.clock.now();
    const full = forceFull || !this.state.fullCheckAt || now.getTime() - this.state.fullCheckAt.getTime() > this.options.fullEveryMs || this.state.verdict?.ok === false;
    let head = full ? { seq: 0, hash: GENESIS_HASH } : this.head;
    let verdict: ChainVerdict = { ok: true, count: head.seq };
    for (;;) {
      const entries = await auditChainAfter(this.db, head.seq, PAGE);
      const page = verifyChain(entries, { startPrevHash: head.hash, startSeq: head.seq + 1 });
      if (!page.ok) {
        verdict = page;
        break;
      }
      if (entries.length) head = { seq: entries.at(-1)!.seq, hash: entries.at(-1)!.hash };
      verdict = { ok: true, count: head.seq };
      if (entries.length < PAGE) break;
    }
    if (verdict.ok) this.head = head;
    this.state = { verdict, verifiedThrough: head.seq, checkedAt: now, fullCheckAt: full ? now : this.state.fullCheckAt, running: false };
    return this.state;
  }
}
