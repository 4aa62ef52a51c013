import { mkdirSync } from 'node:fs';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describeConnectError } from './connect-errors.js';
import { type FolderLock, lockFolder } from './pglite-lock.js';
import type { Database } from './schema.js';

// bigint (int8) columns come back as strings by default; counts and ids fit in a double.
pg.types.setTypeParser(20, (value) => Number(value));

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Postgres connection string; empty means embedded PGlite in `pgliteDir`. */
  url: string;
  pgliteDir: string;
  poolSize: number;
  /** Postgres schema to use as search_path (tests isolate themselves this way). */
  schema?: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: 10_000,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    pool.on('error', () => {}); // an idle client's error is reported again on its next query
    // pg-pool listens for a client's errors only while it is idle: a server restart that cuts a client
    // checked out between two statements (inside a transaction) would be an uncaught exception and
    // take the worker down. The statement in progress, or the next one, fails with the error instead.
    pool.on('connect', (client) => client.on('error', () => {}));
    // Fail at start with a sentence, rather than with pg-pool's stack trace at the first query.
    try {
      await pool.query('select 1');
    } catch (error) {
      await pool.end().catch(() => {});
      throw describeConnectError(options.url, error);
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const inMemory = options.pgliteDir === 'memory://';
  let lock: FolderLock | null = null;
  if (!inMemory) {
    mkdirSync(options.pgliteDir, { recursive: true });
    lock = lockFolder(options.pgliteDir);
  }
  try {
    // Loaded only here: processes on Postgres (every deployed one) do not carry PGlite's module.
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite(inMemory ? undefined : options.pgliteDir, {
      parsers: { 20: (value: string) => Number(value) },
    });
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    return {
      db,
      kind: 'pglite',
      close: async () => {
        await db.destroy();
        // Kysely picks the instance up at its first query only; one never queried is closed here.
        if (!pglite.closed) await pglite.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
