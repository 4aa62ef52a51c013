import { createHash } from 'node:crypto';
import { canonicalJson } from '../approvals/payload-hash.js';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an audit entry records; every field is covered by its hash. */
export interface AuditContent {
  /** 1, 2, 3… with no gaps. */
  seq: number;
  /** ISO-8601 timestamp. */
  at: string;
  traceId: string;
  actor: string;
  channel: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown>;
}

export interface ChainEntry extends AuditContent {
  prevHash: string;
  hash: string;
}

export type ChainVerdict = { ok: true; count: number } | { ok: false; brokenAt: number; reason: string };

export interface VerifyOptions {
  /** Verify a slice of the chain: the `prevHash` its first entry must carry. @defaultValue GENESIS_HASH */
  startPrevHash?: string;
  /** Verify a slice of the chain: the `seq` its first entry must carry. @defaultValue 1 */
  startSeq?: number;
}

export const DEFAULT_VERIFY_OPTIONS: Required<VerifyOptions> = { startPrevHash: GENESIS_HASH, startSeq: 1 };

/** SHA-256 (hex) over the canonical JSON of the entry's content together with its predecessor's hash. */
export function entryHash(entry: AuditContent & { prevHash: string }): string {
  const { prevHash, seq, at, traceId, actor, channel, action, subjectType, subjectId, data } = entry;
  const content = { prevHash, seq, at, traceId, actor, channel, action, subjectType, subjectId, data };
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

/**
 * Checks entries given in `seq` order: consecutive seqs, each `prevHash` equal to
 * the previous entry's hash, each hash recomputed from the content. Reports the
 * first break: the seq of the altered entry, or of the first missing one.
 * Entries removed from the end cannot be seen here; compare `count` with a
 * separately kept head.
 */
export function verifyChain(entries: readonly ChainEntry[], options: VerifyOptions = {}): ChainVerdict {
  const { startPrevHash, startSeq } = { ...DEFAULT_VERIFY_OPTIONS, ...options };
  let expectedSeq = startSeq;
  let prevHash = startPrevHash;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) {
      const reason =
        Number.isInteger(entry.seq) && entry.seq > expectedSeq
          ? `entr${entry.seq - expectedSeq === 1 ? `y ${expectedSeq} is` : `ies ${expectedSeq}–${entry.seq - 1} are`} missing (next is ${entry.seq})`
          : `expected seq ${expectedSeq}, found ${entry.seq}`;
      return { ok: false, brokenAt: expectedSeq, reason };
    }
    if (entry.prevHash !== prevHash) return { ok: false, brokenAt: entry.seq, reason: 'prevHash does not match the previous entry' };
    let computed: string;
    try {
      computed = entryHash(entry);
    } catch (error) {
      return { ok: false, brokenAt: entry.seq, reason: `content cannot be hashed: ${(error as Error).message}` };
    }
    if (computed !== entry.hash) return { ok: false, brokenAt: entry.seq, reason: 'hash does not match the content' };
    prevHash = entry.hash;
    expectedSeq += 1;
  }
  return { ok: true, count: entries.length };
}
