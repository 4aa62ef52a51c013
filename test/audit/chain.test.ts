import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AuditContent, type ChainEntry, entryHash, GENESIS_HASH, verifyChain } from '../../src/audit/chain.js';

function buildChain(length: number): ChainEntry[] {
  const entries: ChainEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const content: AuditContent = {
      seq,
      at: new Date(Date.UTC(2026, 2, 1, 12, 0, seq)).toISOString(),
      traceId: `trace-${Math.ceil(seq / 2)}`,
      actor: seq % 2 ? 'growth' : 'alice',
      channel: seq % 2 ? 'policy' : 'console',
      action: seq % 2 ? 'approval.requested' : 'approval.decision',
      subjectType: 'approval',
      subjectId: `req-${Math.ceil(seq / 2)}`,
      data: { seq, nested: { list: [seq, 'x'], flag: seq % 3 === 0 } },
    };
    const hash = entryHash({ ...content, prevHash });
    entries.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return entries;
}

const FIELDS: { name: string; alter: (e: ChainEntry) => ChainEntry }[] = [
  { name: 'seq', alter: (e) => ({ ...e, seq: e.seq + 100 }) },
  { name: 'at', alter: (e) => ({ ...e, at: '2030-01-01T00:00:00.000Z' }) },
  { name: 'traceId', alter: (e) => ({ ...e, traceId: 'forged' }) },
  { name: 'actor', alter: (e) => ({ ...e, actor: 'mallory' }) },
  { name: 'channel', alter: (e) => ({ ...e, channel: 'telegram' }) },
  { name: 'action', alter: (e) => ({ ...e, action: 'approval.rejected' }) },
  { name: 'subjectType', alter: (e) => ({ ...e, subjectType: 'action' }) },
  { name: 'subjectId', alter: (e) => ({ ...e, subjectId: 'req-999' }) },
  { name: 'data', alter: (e) => ({ ...e, data: { ...e.data, nested: { list: [e.seq, 'y'], flag: false } } }) },
  { name: 'data (added key)', alter: (e) => ({ ...e, data: { ...e.data, extra: 1 } }) },
  { name: 'prevHash', alter: (e) => ({ ...e, prevHash: 'f'.repeat(64) }) },
  { name: 'hash', alter: (e) => ({ ...e, hash: 'f'.repeat(64) }) },
];

describe('verifyChain', () => {
  it('verifies an intact chain and an empty one', () => {
    assert.deepEqual(verifyChain(buildChain(10)), { ok: true, count: 10 });
    assert.deepEqual(verifyChain([]), { ok: true, count: 0 });
  });

  it('reports entry k when any field of entry k is altered', () => {
    const chain = buildChain(8);
    for (const k of [1, 4, 8]) {
      for (const field of FIELDS) {
        const tampered = chain.map((e) => (e.seq === k ? field.alter(e) : e));
        const verdict = verifyChain(tampered);
        assert.equal(verdict.ok, false, `${field.name} of ${k}`);
        assert.equal(!verdict.ok && verdict.brokenAt, k, `${field.name} of ${k}: ${JSON.stringify(verdict)}`);
      }
    }
  });

  it('reports entry k when entry k is rewritten with a fresh hash, since k+1 no longer links to it', () => {
    const chain = buildChain(5);
    const forged = { ...chain[2]!, actor: 'mallory' };
    forged.hash = entryHash(forged);
    const verdict = verifyChain(chain.map((e) => (e.seq === 3 ? forged : e)));
    assert.deepEqual(verdict, { ok: false, brokenAt: 4, reason: 'prevHash does not match the previous entry' });
  });

  it('reports the gap when an entry is deleted', () => {
    const chain = buildChain(6);
    assert.deepEqual(verifyChain(chain.filter((e) => e.seq !== 3)), { ok: false, brokenAt: 3, reason: 'entry 3 is missing (next is 4)' });
    assert.deepEqual(verifyChain(chain.filter((e) => e.seq !== 1)), { ok: false, brokenAt: 1, reason: 'entry 1 is missing (next is 2)' });
    assert.deepEqual(verifyChain(chain.filter((e) => e.seq < 2 || e.seq > 4)), { ok: false, brokenAt: 2, reason: 'entries 2–4 are missing (next is 5)' });
  });

  it('reports a gap even when the deleted entry is bridged by renumbering the later ones', () => {
    const chain = buildChain(5).filter((e) => e.seq !== 2).map((e) => (e.seq > 2 ? { ...e, seq: e.seq - 1 } : e));
    const verdict = verifyChain(chain);
    assert.equal(!verdict.ok && verdict.brokenAt, 2);
  });

  it('verifies a slice of the chain from a known predecessor', () => {
    const chain = buildChain(6);
    assert.deepEqual(verifyChain(chain.slice(3), { startSeq: 4, startPrevHash: chain[2]!.hash }), { ok: true, count: 3 });
    assert.equal(verifyChain(chain.slice(3)).ok, false);
  });

  it('hashes the data independently of key order', () => {
    const [first] = buildChain(1);
    const reordered = { ...first!, data: { nested: { flag: false, list: [1, 'x'] }, seq: 1 } };
    assert.equal(entryHash(reordered), first!.hash);
  });
});
