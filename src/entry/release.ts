import { loadConfig } from '../config/load.js';
import { openDatabase } from '../db/connect.js';
import { DatabaseUnavailableError } from '../db/connect-errors.js';
import { DatabaseLockedError } from '../db/pglite-lock.js';
import { migrateToLatest } from '../db/migrate.js';
import { exitWith } from './boot.js';

/** The release phase: apply migrations, then exit. */
const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    exitWith((error as Error).message);
  }
})();
const database = await openDatabase(config.database).catch((error: unknown) => {
  if (error instanceof DatabaseUnavailableError || error instanceof DatabaseLockedError) exitWith(error.message);
  throw error;
});
try {
  const result = await migrateToLatest(database.db);
  const applied = (result.results ?? []).map((r) => r.migrationName);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
} catch (error) {
  await database.close();
  exitWith(`migration failed: ${(error as Error).message}`);
}
await database.close();
