import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { sealAudit } from '../../src/audit/seal.js';
import { appendAudit, auditByTrace, verifyAuditLog } from '../../src/audit/store.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createSchema, TEST_DATABASE_URL } from '../support/services.js';
import { stallSealer } from '../support/stalled-sealer.js';

const entry = (traceId: string, action: string, data: Record<string, unknown> = {}) => ({
  traceId,
  actor: 'tester',
  channel: 'test',
  action,
  subjectType: 'test',
  subjectId: traceId,
  data,
  at: new Date(),
});

function runAppender(schema: string, label: string, count: number, inFlight: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/audit-appender.ts', schema, label, String(count), String(inFlight)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`appender ${label} exited ${code}: ${stderr}`))));
  });
}

describe('the audit chain, sealed in batches', () => {
  let schema: Awaited<ReturnType<typeof createSchema>>;
  let handle: DatabaseHandle;
  before(async () => {
    schema = await createSchema();
    handle = await openDatabase({ url: TEST_DATABASE_URL, pgliteDir: '', poolSize: 4, schema: schema.schema });
    await migrateToLatest(handle.db);
  });
  after(async () => {
    await handle.close();
    await schema.drop();
  });

  it('lets an appender commit while another appender has an entry in an open transaction', async () => {
    // Today's appender held the chain's lock until its transaction ended: the second append waited for the first commit.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let appendedInOpen!: () => void;
    const openHasAppended = new Promise<void>((resolve) => {
      appendedInOpen = resolve;
    });
    const open = handle.db.transaction().execute(async (trx) => {
      await appendAudit(trx, entry('open', 'test.open'));
      appendedInOpen();
      await held;
    });
    await openHasAppended;
    const other = handle.db.transaction().execute((trx) => appendAudit(trx, entry('other', 'test.other')));
    const outcome = await Promise.race([other.then(() => 'committed'), new Promise((resolve) => setTimeout(resolve, 5000, 'blocked')).then((v) => v)]);
    if (outcome !== 'committed') {
      release();
      await Promise.all([open, other]);
      assert.fail('the second append waited for the first transaction to end');
    }
    // The committed entry is linked while the other transaction is still open; the open one after it commits.
    await sealAudit(handle.db);
    const [o] = await auditByTrace(handle.db, 'other');
    assert.notEqual(o!.seq, null);
    release();
    await open;
    const [p] = await auditByTrace(handle.db, 'open');
    assert.ok(Number(o!.seq) < Number(p!.seq), 'linked in the order they became visible');
    const verdict = await verifyAuditLog(handle.db);
    assert.ok(verdict.ok, JSON.stringify(verdict));
  });

  it('keeps one valid chain under concurrent appenders in several processes, every entry linked once', async () => {
    const processes = 4;
    const perProcess = 60;
    const before = Number((await sql<{ n: string }>`select count(*) as n from audit_log`.execute(handle.db)).rows[0]!.n);
    await Promise.all(Array.from({ length: processes }, (_, p) => runAppender(schema.schema, `proc${p}`, perProcess, 6)));
    // Each appender sealed what it wrote before exiting; nothing is left unlinked.
    const unsealed = await handle.db.selectFrom('audit_log').select('id').where('seq', 'is', null).execute();
    assert.equal(unsealed.length, 0);
    const verdict = await verifyAuditLog(handle.db);
    assert.deepEqual(verdict, { ok: true, count: before + processes * perProcess * 2 });
    // Entries written together keep their order in the chain.
    const rows = await handle.db.selectFrom('audit_log').select(['trace_id', 'action', 'seq']).where('actor', 'like', 'proc%').orderBy('seq').execute();
    const firstSeen = new Map<string, string>();
    for (const r of rows) if (!firstSeen.has(r.trace_id)) firstSeen.set(r.trace_id, r.action);
    assert.equal(firstSeen.size, processes * perProcess);
    assert.ok([...firstSeen.values()].every((action) => action === 'test.first'));
  });

  it('links an entry left unsealed (its writer died after commit) at the next seal by anyone', async () => {
    // A row as a process that crashed between commit and sealing leaves it.
    await appendAudit(handle.db, entry('orphan', 'test.orphan', { note: 'written, never sealed by its writer' }));
    assert.equal((await handle.db.selectFrom('audit_log').select('seq').where('trace_id', '=', 'orphan').executeTakeFirstOrThrow()).seq, null);
    assert.equal(await sealAudit(handle.db), 1);
    const verdict = await verifyAuditLog(handle.db);
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.notEqual((await handle.db.selectFrom('audit_log').select('seq').where('trace_id', '=', 'orphan').executeTakeFirstOrThrow()).seq, null);
  });

  it('stays append-only: an entry is sealed once, and neither its content nor its link can change, sealed or not', async () => {
    await appendAudit(handle.db, entry('guarded', 'test.guarded'));
    const row = await handle.db.selectFrom('audit_log').selectAll().where('trace_id', '=', 'guarded').executeTakeFirstOrThrow();
    await assert.rejects(sql`update audit_log set actor = 'mallory' where id = ${row.id}`.execute(handle.db), /append-only/);
    await assert.rejects(
      sql`update audit_log set actor = 'mallory', seq = 999999, prev_hash = 'x', hash = 'y' where id = ${row.id}`.execute(handle.db),
      /append-only/,
    );
    await assert.rejects(sql`delete from audit_log where id = ${row.id}`.execute(handle.db), /append-only/);
    await sealAudit(handle.db);
    await assert.rejects(sql`update audit_log set hash = ${'f'.repeat(64)} where id = ${row.id}`.execute(handle.db), /append-only/);
    await assert.rejects(sql`update audit_log set seq = null, prev_hash = null, hash = null where id = ${row.id}`.execute(handle.db), /append-only/);
    assert.ok((await verifyAuditLog(handle.db)).ok);
  });

  it("answers a reader within the lock timeout when another sealer of the chain stalls, and never blocks another schema's chain", async () => {
    await appendAudit(handle.db, entry('stalled', 'test.stalled'));
    const stalled = await stallSealer(handle.db);
    const other = await createSchema();
    const otherDb = await openDatabase({ url: TEST_DATABASE_URL, pgliteDir: '', poolSize: 2, schema: other.schema });
    try {
      await migrateToLatest(otherDb.db);
      await appendAudit(otherDb.db, entry('elsewhere', 'test.elsewhere'));
      assert.equal(await sealAudit(otherDb.db), 1, "another schema's chain is sealed meanwhile");
      const started = Date.now();
      const rows = await auditByTrace(handle.db, 'stalled');
      assert.ok(Date.now() - started < 10_000, `answered after ${Date.now() - started} ms`);
      assert.deepEqual(
        rows.map((r) => [r.action, r.seq]),
        [['test.stalled', null]],
        'read as it is: written, not linked yet',
      );
    } finally {
      stalled.release();
      await stalled.done;
      await otherDb.close();
      await other.drop();
    }
    await sealAudit(handle.db);
    assert.ok((await verifyAuditLog(handle.db)).ok);
  });
});
