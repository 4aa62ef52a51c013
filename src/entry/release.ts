import { loadConfig } from '../config/load.js';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { exitWith } from './boot.js';

/** The release phase: apply migrations, then exit. */
const config = loadConfig();
const database = await openDatabase(config.database);
try {
  const result = await migrateToLatest(database.db);
  const applied = (result.results ?? []).map((r) => r.migrationName);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
} catch (error) {
  await database.close();
  exitWith(`migration failed: ${(error as Error).message}`);
}
await database.close();
