import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { entryHash, GENESIS_HASH } from './chain.js';
import { rowContent } from './row.js';

/** Entries linked per sealing transaction; more wait for the next one. */
export const SEAL_BATCH = 1000;

/** A round seals what was appended this long before it, and the next waits as long (pacing). */
const ROUND_MS = 10;

/** After the last append, look again this long after each seal, for appenders that committed after it. */
const TRAILING_MS = [25, 250, 2500];

/**
 * Links every entry committed so far into the hash chain, oldest id first:
 * under the chain's advisory lock (one sealer at a time, in any process), each
 * gets the next `seq`, its predecessor's hash and its own hash, computed over
 * the content as stored, the same content `verifyChain` checks. Many entries
 * share one lock and one commit. Returns how many were sealed.
 */
export async function sealAudit(db: Kysely<Database>): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await sealBatch(db);
    total += sealed;
    if (sealed < SEAL_BATCH) return total;
  }
}

async function sealBatch(db: Kysely<Database>): Promise<number> {
  const waiting = await db.selectFrom('audit_log').select('id').where('seq', 'is', null).limit(1).executeTakeFirst();
  if (!waiting) return 0;
  return db.transaction().execute(async (trx) => {
    // The chain is one per schema (one Flywheel per schema, or one test each), so is its lock; a holder
    // that stalls (a paused process) makes the others give up after lock_timeout, not wait for ever.
    await sql`set local lock_timeout = '2s'`.execute(trx);
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.audit_log'))`.execute(trx);
    const rows = await trx.selectFrom('audit_log').selectAll().where('seq', 'is', null).orderBy('id').limit(SEAL_BATCH).execute();
    if (rows.length === 0) return 0;
    const head = await trx.selectFrom('audit_log').select(['seq', 'hash']).where('seq', 'is not', null).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    let seq = head ? Number(head.seq) : 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const links = { id: [] as number[], seq: [] as number[], prev: [] as string[], hash: [] as string[] };
    for (const r of rows) {
      seq += 1;
      const hash = entryHash({ ...rowContent(r, seq), prevHash });
      links.id.push(Number(r.id));
      links.seq.push(seq);
      links.prev.push(prevHash);
      links.hash.push(hash);
      prevHash = hash;
    }
    await sql`
      update audit_log a set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
      from unnest(${links.id}::bigint[], ${links.seq}::bigint[], ${links.prev}::text[], ${links.hash}::text[]) as v(id, seq, prev_hash, hash)
      where a.id = v.id`.execute(trx);
    return rows.length;
  });
}

/**
 * This process's background sealer: every append pokes it, and a round runs
 * ROUND_MS later for whatever was written by then, so concurrent appenders share
 * sealing transactions (group commit) and a busy process seals ~100 times a
 * second, not once per append. An append is poked before its own transaction
 * commits, so a few trailing rounds follow the last one. Entries left unsealed by
 * a process that died are sealed by the next round anywhere, and every reader of
 * chain positions seals first (`flushAudit`), so pacing never delays what a reader sees.
 */
class Sealer {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private timerIsTrailing = false;
  private trailing = 0;
  private closed = false;

  constructor(private readonly db: Kysely<Database>) {}

  poke(): void {
    if (this.closed) return;
    this.trailing = 0;
    if (this.running) this.again = true;
    else if (!this.timer || this.timerIsTrailing) this.schedule(ROUND_MS, false);
  }

  async flush(): Promise<void> {
    await this.running;
    await sealAudit(this.db);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.flush();
  }

  private schedule(ms: number, trailing: boolean): void {
    clearTimeout(this.timer);
    this.timerIsTrailing = trailing;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.rounds().finally(() => {
        this.running = undefined;
        if (this.again) this.schedule(ROUND_MS, false);
        else if (!this.closed && this.trailing < TRAILING_MS.length) this.schedule(TRAILING_MS[this.trailing++]!, true);
      });
    }, ms);
    this.timer.unref();
  }

  private async rounds(): Promise<void> {
    this.again = false;
    // A failed round (Postgres restarting, the pool closing) leaves the entries unsealed, not lost:
    // the next poke, trailing round, reader or another process seals them.
    await sealAudit(this.db).catch(() => {});
  }
}

/**
 * The sealers of the databases this process composed (one in a service; one per
 * test context in a test run). An append cannot tell which one it wrote to (a
 * transaction does not name its pool), so it pokes each: an idle one costs one
 * indexed probe.
 */
const active = new Map<Kysely<Database>, Sealer>();

/** Called once by the composition root for its database. */
export function startSealer(db: Kysely<Database>): void {
  if (!active.has(db)) active.set(db, new Sealer(db));
}

/** An entry was written: seal it soon (it is linked once its transaction has committed). */
export function pokeSealers(): void {
  for (const sealer of active.values()) sealer.poke();
}

/** Seals every entry committed before this call (waiting for a round in progress). */
export async function flushAudit(db: Kysely<Database>): Promise<void> {
  const sealer = active.get(db);
  // A reader waits at most for one lock_timeout: when the chain cannot be sealed now, it reads the
  // entries as they are (the unlinked last, in the order written) rather than not answering.
  await (sealer ? sealer.flush() : sealAudit(db)).catch((error) => {
    if (!isLockTimeout(error)) throw error;
  });
}

const isLockTimeout = (error: unknown) => (error as { code?: string } | null)?.code === '55P03';

/** At shutdown, before the pool closes: the last entries are sealed, and no round starts after. */
export async function closeSealer(db: Kysely<Database>): Promise<void> {
  const sealer = active.get(db);
  active.delete(db);
  await sealer?.close();
}
