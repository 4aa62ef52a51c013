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

/**
 * The newest run of each of these queues: one index probe each (job_runs_queue_id),
 * where `distinct on (queue)` sorted the whole table, which grows by a row per tick.
 */
export async function latestRuns(db: Kysely<Database>, queues: readonly string[]) {
  const rows = await Promise.all(
    queues.map((queue) =>
      db
        .selectFrom('job_runs')
        .select(['queue', 'status', 'started_at', 'finished_at', 'error', 'trace_id'])
        .where('queue', '=', queue)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ),
  );
  return rows.filter((r) => r !== undefined);
}

/** Every run of every job that carried this trace id, in start order. */
export async function jobRunsByTrace(db: Kysely<Database>, traceId: string, limit = 500) {
  return db.selectFrom('job_runs').selectAll().where('trace_id', '=', traceId).orderBy('started_at').orderBy('id').limit(limit).execute();
}

export interface RunFilter {
  queues?: string[];
  status?: 'running' | 'completed' | 'failed';
  /** Runs with a smaller id than this: the next page. */
  beforeId?: string;
  limit: number;
}

/** Job runs, newest first, one page at a time (keyset on id). */
export async function listRuns(db: Kysely<Database>, f: RunFilter) {
  let query = db.selectFrom('job_runs').selectAll();
  if (f.queues?.length) query = query.where('queue', 'in', f.queues);
  if (f.status) query = query.where('status', '=', f.status);
  if (f.beforeId) query = query.where('id', '<', f.beforeId);
  const rows = await query.orderBy('id', 'desc').limit(f.limit + 1).execute();
  return { rows: rows.slice(0, f.limit), hasMore: rows.length > f.limit };
}
