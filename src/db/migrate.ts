import { type DatabaseIntrospector, type Kysely, sql, type TableMetadata } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import { migrations } from '../../migrations/index.js';

/**
 * Applies every pending migration (of `set`: a migration's test first builds the schema it finds);
 * running it again changes nothing. The
 * migrator's own tables are pinned to the session's current schema: Kysely's
 * introspection otherwise finds them in any schema of the database (another
 * tenant's or test's) and then fails to lock a table that is not on the search_path.
 *
 * It runs inside one transaction, which Kysely's migrator then uses for its lock too:
 * given a plain connection, Kysely (0.29) takes a session-level `pg_advisory_lock` in one
 * statement and releases it in another. Behind PgBouncer in transaction mode those two can
 * land on different server connections: the unlock misses and the lock stays with a pooled
 * connection, so every later migration in the database (the lock id is global, whatever the
 * schema) waits for it for up to an hour. Inside one transaction lock, migrations and unlock
 * share a server connection.
 */
export async function migrateToLatest(db: Kysely<any>, set: Record<string, Migration> = migrations): Promise<MigrationResultSet> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema ?? 'public';
  return db.transaction().execute(async (trx) => {
    const migrator = new Migrator({
      db: withSchemaIntrospection(trx, schema),
      provider: { getMigrations: async () => set },
      migrationTableSchema: schema,
      // Migrations are numbered by issue (WORKFLOW.md) and land in any order: 0011 may arrive after 0012 ran.
      allowUnorderedMigrations: true,
    });
    const result = await migrator.migrateToLatest();
    if (result.error) throw result.error;
    return result;
  });
}

/**
 * The migrator asks whether its tables exist by listing every table of the
 * database; Kysely's Postgres query for that checks a privilege on every schema,
 * which fails ("schema … does not exist") when another schema is dropped meanwhile
 * (parallel tests drop theirs). The migrator only needs the tables of its own schema.
 */
function withSchemaIntrospection(db: Kysely<any>, schema: string): Kysely<any> {
  const introspection: DatabaseIntrospector = {
    getSchemas: () => db.introspection.getSchemas(),
    async getTables(): Promise<TableMetadata[]> {
      const { rows } = await sql<{ name: string }>`
        select table_name as name from information_schema.tables where table_schema = ${schema}`.execute(db);
      return rows.map((r) => ({ name: r.name, schema, isView: false, isForeign: false, columns: [] }));
    },
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspection;
      const value = Reflect.get(target, property, target);
      // Kysely keeps its state in private fields: its methods must run on the real instance.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
