import type { Selectable } from 'kysely';
import type { AuditLogTable } from '../db/schema.js';
import type { AuditContent, ChainEntry } from './chain.js';

export type AuditRow = Selectable<AuditLogTable>;

/** A stored row's content at a chain position: what its hash covers, read back as stored. */
export function rowContent(r: AuditRow, seq: number): AuditContent {
  return {
    seq,
    at: new Date(r.at).toISOString(),
    traceId: r.trace_id,
    actor: r.actor,
    channel: r.channel,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    data: r.data,
  };
}

/** A sealed row as the chain sees it (the queries that feed this read sealed rows only: `seq > n`). */
export function chainEntry(r: AuditRow): ChainEntry {
  return { ...rowContent(r, Number(r.seq)), prevHash: r.prev_hash ?? '', hash: r.hash ?? '' };
}

/** A row's place in the chain as readers show it: null until the sealer links it (a reader's seal can time out). */
export const chainSeq = (r: Pick<AuditRow, 'seq'>): number | null => (r.seq === null ? null : Number(r.seq));
