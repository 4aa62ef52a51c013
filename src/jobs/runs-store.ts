import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface JobRunStart {
  queue: string;
  jobId: string;
  jobName: string;
  traceId: string;
  attempt: number;
  worker: string;
  startedAt: Date;
}

export async function recordJobStart(db: Kysely<Database>, run: JobRunStart): Promise<string> {
  const row = await db
    .insertInto('job_runs')
    .values({
      queue: run.queue,
      job_id: run.jobId,
      job_name: run.jobName,
      trace_id: run.traceId,
      attempt: run.attempt,
      worker: run.worker,
      status: 'running',
      started_at: run.startedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}

export async function recordJobEnd(
  db: Kysely<Database>,
  id: string,
  end: { status: 'completed' | 'failed'; result?: unknown; error?: string; finishedAt: Date },
): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({
      status: end.status,
      result: end.result === undefined ? null : JSON.stringify(end.result),
      error: end.error ?? null,
      finished_at: end.finishedAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function listJobRuns(db: Kysely<Database>, queue: string) {
  return db.selectFrom('job_runs').selectAll().where('queue', '=', queue).orderBy('id').execute();
}

/** The newest run of each queue. */
export async function latestRuns(db: Kysely<Database>) {
  return db
    .selectFrom('job_runs')
    .distinctOn('queue')
    .select(['queue', 'status', 'started_at', 'finished_at', 'error', 'trace_id'])
    .orderBy('queue')
    .orderBy('id', 'desc')
    .execute();
}
