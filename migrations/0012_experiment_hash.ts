import { type Kysely, sql } from 'kysely';

/**
 * Experiments record the hash that buckets their users inside their
 * allocation (experiments.allocation.hash). Every experiment created before
 * this migration was bucketed with SHA-256 and keeps it: changing the hash of
 * a running experiment would move its users between arms.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`update experiments set allocation = allocation || '{"hash": "sha256"}'::jsonb where not (allocation ? 'hash')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update experiments set allocation = allocation - 'hash' where allocation ->> 'hash' = 'sha256'`.execute(db);
}
