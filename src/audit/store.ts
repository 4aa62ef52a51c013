import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { AuditContent } from './chain.js';
import { verifyChain } from './chain.js';
import { type AuditRow, chainEntry } from './row.js';
import { flushAudit, pokeSealers } from './seal.js';

/** An entry to append: the chain's content, less what appending assigns. */
export type AuditInput = Omit<AuditContent, 'seq' | 'at' | 'data'> & { at: Date; data?: Record<string, unknown> };

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Appends entries to the audit trail, in the order given, with the caller's
 * transaction: they exist exactly when what they record does. Their place in the
 * hash chain (`seq`, `prev_hash`, `hash`) is given after commit by the sealer
 * (./seal.ts), many entries at a time, so appenders no longer wait for each other.
 */
export async function appendAudit(db: Db, input: AuditInput | readonly AuditInput[]): Promise<void> {
  const inputs: readonly AuditInput[] = Array.isArray(input) ? input : [input as AuditInput];
  if (inputs.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      inputs.map((entry) => ({
        at: entry.at.toISOString(),
        trace_id: entry.traceId,
        actor: entry.actor,
        channel: entry.channel,
        action: entry.action,
        subject_type: entry.subjectType,
        subject_id: entry.subjectId,
        data: JSON.stringify(entry.data ?? {}),
      })),
    )
    .execute();
  pokeSealers();
}

/** A trace's entries in chain order (sealed first, so everything committed before the call has its place). */
export async function auditByTrace(db: Kysely<Database>, traceId: string) {
  await flushAudit(db);
  return db.selectFrom('audit_log').selectAll().where('trace_id', '=', traceId).orderBy('seq').orderBy('id').execute();
}

/** A subject's entries in chain order (an approval's history). */
export async function auditBySubject(db: Kysely<Database>, subjectId: string) {
  await flushAudit(db);
  return db.selectFrom('audit_log').selectAll().where('subject_id', '=', subjectId).orderBy('seq').orderBy('id').execute();
}

export async function auditEntries(db: Kysely<Database>, filter: { subjectId?: string; actions?: string[]; limit: number; offset: number }): Promise<AuditRow[]> {
  if (!filter.subjectId && filter.actions && filter.actions.length > 1) {
    // One backward scan of audit_log_action per action, merged: `action in (…)` sorted
    // every entry of those actions to find the newest few (the Ops page's pauses and resumes).
    const take = filter.offset + filter.limit;
    const parts = await Promise.all(filter.actions.map((action) => auditEntries(db, { actions: [action], limit: take, offset: 0 })));
    return parts
      .flat()
      // As `order by seq desc, id desc` sorts: an entry a reader's seal could not reach yet (lock timeout) is the newest.
      .sort((a, b) => (b.seq === null ? Infinity : Number(b.seq)) - (a.seq === null ? Infinity : Number(a.seq)) || Number(b.id) - Number(a.id))
      .slice(filter.offset, take);
  }
  await flushAudit(db);
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
  if (filter.actions?.length) query = query.where('action', 'in', filter.actions);
  return query.orderBy('seq', 'desc').orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
}

/** Walks the whole chain in pages and reports the first broken link. */
export async function verifyAuditLog(db: Kysely<Database>) {
  await flushAudit(db);
  const rows = [];
  const page = 5000;
  for (let after = 0; ; ) {
    const batch = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(page).execute();
    rows.push(...batch);
    if (batch.length < page) break;
    after = Number(batch[batch.length - 1]!.seq);
  }
  return verifyChain(rows.map(chainEntry));
}

export interface AuditSearch {
  actor?: string;
  /** An action (`campaign.paused`), or a family of them ending in a dot (`campaign.`). */
  action?: string;
  traceId?: string;
  from?: Date;
  to?: Date;
  /** Entries with a smaller seq than this: the next page. */
  beforeSeq?: number;
  limit: number;
}

/** Audit entries matching every given filter, newest first, one page at a time (keyset on seq). */
export async function searchAudit(db: Kysely<Database>, f: AuditSearch) {
  await flushAudit(db);
  let query = db.selectFrom('audit_log').selectAll();
  if (f.actor) query = query.where('actor', '=', f.actor);
  if (f.action) query = f.action.endsWith('.') ? query.where('action', 'like', `${f.action.replace(/[\\%_]/g, '\\$&')}%`) : query.where('action', '=', f.action);
  if (f.traceId) query = query.where('trace_id', '=', f.traceId);
  if (f.from) query = query.where('at', '>=', f.from);
  if (f.to) query = query.where('at', '<', f.to);
  if (f.beforeSeq) query = query.where('seq', '<', f.beforeSeq);
  const rows = await query.orderBy('seq', 'desc').orderBy('id', 'desc').limit(f.limit + 1).execute();
  return { rows: rows.slice(0, f.limit), hasMore: rows.length > f.limit };
}

/** The action names in the log, for a filter's choices. */
export async function auditActions(db: Kysely<Database>): Promise<string[]> {
  // A loose index scan over audit_log_action: one probe per distinct action, where
  // `select distinct` read every entry of the log on each page view.
  const { rows } = await sql<{ action: string | null }>`
    with recursive a(action) as (
      (select action from audit_log order by action limit 1)
      union all
      select (select action from audit_log where action > a.action order by action limit 1) from a where a.action is not null
    )
    select action from a where action is not null`.execute(db);
  return rows.map((r) => r.action!);
}

/** Entries after `seq` in chain order, at most `limit` (for verifying the chain a slice at a time). */
export async function auditChainAfter(db: Kysely<Database>, seq: number, limit: number) {
  await flushAudit(db);
  const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute();
  return rows.map(chainEntry);
}
