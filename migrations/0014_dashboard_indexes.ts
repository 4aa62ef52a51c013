import type { Kysely } from 'kysely';

/**
 * Dashboard reads that grew with their tables (issue 14: pages render in < 50 ms with
 * 10,000 audit entries): the newest run of each queue, the audit log filtered by action
 * (Ops page, Impact, the filter's list of actions) or by actor (Audit page).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('job_runs_queue_id').on('job_runs').columns(['queue', 'id']).execute();
  await db.schema.createIndex('audit_log_action').on('audit_log').columns(['action', 'seq']).execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'seq']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_actor').execute();
  await db.schema.dropIndex('audit_log_action').execute();
  await db.schema.dropIndex('job_runs_queue_id').execute();
}
