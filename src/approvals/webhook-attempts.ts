import { type Kysely, sql } from 'kysely';
import { type AuditInput, appendAudit } from '../audit/store.js';
import type { Database } from '../db/schema.js';

/** One delivery attempt's outcome: the event row's new state and its audit entry. */
export interface AttemptRecord {
  eventId: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  status: 'pending' | 'delivered' | 'failed';
  deliveredAt: Date | null;
  audit: AuditInput;
}

interface Waiting {
  record: AttemptRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Bounds one statement's size; the rest waits for the next batch. */
const MAX_BATCH = 500;

/**
 * Writes the attempts of concurrent deliveries together (group commit): one
 * transaction, one update and one audit append for every attempt that finished
 * while the previous batch was being written. Each attempt's row update and its
 * audit entry still commit together, and its caller resumes only after that
 * commit. A transaction per attempt was four round trips and a pool connection
 * each, taken from the decisions whose webhooks were waiting behind them.
 */
class AttemptWriter {
  private readonly waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Kysely<Database>) {}

  write(record: AttemptRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ record, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          await writeAttempts(
            this.db,
            batch.map((w) => w.record),
          );
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

async function writeAttempts(db: Kysely<Database>, records: readonly AttemptRecord[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`
      update approval_webhooks w
      set attempts = v.attempts, last_status = v.last_status, last_error = v.last_error, status = v.status, delivered_at = v.delivered_at
      from unnest(
        ${records.map((r) => r.eventId)}::text[], ${records.map((r) => r.attempts)}::int[], ${records.map((r) => r.lastStatus)}::int[],
        ${records.map((r) => r.lastError)}::text[], ${records.map((r) => r.status)}::text[], ${records.map((r) => r.deliveredAt?.toISOString() ?? null)}::timestamptz[]
      ) as v(event_id, attempts, last_status, last_error, status, delivered_at)
      where w.event_id = v.event_id`.execute(trx);
    await appendAudit(
      trx,
      records.map((r) => r.audit),
    );
  });
}

const writers = new WeakMap<Kysely<Database>, AttemptWriter>();

/** Stores one attempt (event row and audit entry, in one commit shared with concurrent attempts). */
export function recordAttempt(db: Kysely<Database>, record: AttemptRecord): Promise<void> {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new AttemptWriter(db)));
  return writer.write(record);
}
