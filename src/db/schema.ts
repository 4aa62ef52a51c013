import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface JobRunsTable {
  id: Generated<string>;
  queue: string;
  job_id: string;
  job_name: string;
  trace_id: string;
  attempt: number;
  worker: string;
  status: 'running' | 'completed' | 'failed';
  result: Json | null;
  error: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface OpsSnapshotsTable {
  id: Generated<string>;
  taken_at: ColumnType<Date, Date | string | undefined, never>;
  trace_id: string;
  data: JSONColumnType<Record<string, unknown>>;
}

/** The whole schema, as the migrations in migrations/ build it. */
export interface Database {
  job_runs: JobRunsTable;
  ops_snapshots: OpsSnapshotsTable;
}
