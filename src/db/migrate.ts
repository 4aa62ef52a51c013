import { type Kysely, sql } from 'kysely';
import { type MigrationResultSet, Migrator } from 'kysely/migration';
import { migrations } from '../../migrations/index.js';

/**
 * Applies every pending migration; running it again changes nothing. The
 * migrator's own tables are pinned to the session's current schema: Kysely's
 * introspection otherwise finds them in any schema of the database (another
 * tenant's or test's) and then fails to lock a table that is not on the search_path.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: rows[0]?.schema ?? 'public',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
