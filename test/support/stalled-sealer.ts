import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/db/schema.js';

/**
 * A sealer that took the audit chain's lock and stopped (a paused process): resolves once the
 * lock is held; `release` lets its transaction end, `done` settles when it has.
 */
export async function stallSealer(db: Kysely<Database>): Promise<{ release: () => void; done: Promise<void> }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const done = db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.audit_log'))`.execute(trx);
    locked();
    await held;
  });
  await isLocked;
  return { release, done };
}
