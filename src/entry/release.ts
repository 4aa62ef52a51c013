import { loadConfig } from '../config/load.js';
import { openDatabase } from '../db/connect.js';
import { DatabaseUnavailableError } from '../db/connect-errors.js';
import { DatabaseLockedError } from '../db/pglite-lock.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { exitWith } from './boot.js';
import { idleUntilSignal } from './idle.js';
import { releaseStaysUp } from './process-roles.js';

/** The release phase: apply migrations, then exit (or idle under a local Procfile runner). */
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
if (releaseStaysUp(process.env)) {
  idleUntilSignal(
    createLogger(config.logging.level).child({ process: 'release' }),
    'migrations applied; release stays up because a local Procfile runner (foreman, honcho) stops every process when one exits',
  );
}
