import type { Kysely } from 'kysely';

/** A request's history is read from the audit trail by subject (GET /api/v1/approvals/:id). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_log_subject').on('audit_log').columns(['subject_id', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_subject').execute();
}
