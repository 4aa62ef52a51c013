import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { propose, type Proposal } from '../../src/approvals/propose.js';
import { recordDecision } from '../../src/approvals/record-decision.js';
import { verifyAuditLog } from '../../src/audit/store.js';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { findPgbouncer, type LocalPgbouncer, startPgbouncer } from '../support/pgbouncer.js';
import { recordingAction } from '../support/recording-action.js';
import { seedUsers } from '../support/seed-users.js';
import { createSchema, TEST_DATABASE_URL } from '../support/services.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';
const missing = findPgbouncer() ? null : 'pgbouncer is not installed (apt-get install pgbouncer; bash .ci/run does)';
if (missing) process.stdout.write(`# skipping the PgBouncer tests: ${missing}\n`);

// An invitation wave over the guardrail (10 tenants) needs a person's approval.
const invite = (name: string): Proposal => ({
  kind: 'beta.invite',
  proposer: 'pm',
  params: { name, tenantIds: Array.from({ length: 12 }, (_, i) => `t${i}`) },
  traceId: `trace-${name}`,
  summary: `Invite 12 tenants (${name})`,
});
const roles = { alice: ['approver'], bob: ['approver'] } as const;

// Every statement of this file's Flywheel goes through a pgbouncer in transaction pooling mode:
// no session state survives a transaction, as behind a managed pooler.
describe('Postgres through PgBouncer in transaction pooling mode', { skip: missing ?? false }, () => {
  let bouncer: LocalPgbouncer;
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const action = recordingAction('beta.invite');
  const downstream = new TestDownstream(SECRET);
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, body === undefined ? { method, headers: bearer(TOKENS.operator) } : { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    const schema = await createSchema();
    bouncer = await startPgbouncer(TEST_DATABASE_URL, schema.schema);
    await downstream.start();
    ctx = await createTestContext({ database: { schema, url: bouncer.url }, extraActions: [action.handler], config: { database: { poolSize: 6 } } });
    app = createApp(ctx.deps);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers?.stop();
    await ctx?.cleanup();
    await downstream.stop();
    await bouncer?.stop();
  });

  it('leaves no advisory lock on a pooled connection after several processes migrate at once', async () => {
    // Kysely's migrator locks with a session-level advisory lock; through a transaction pooler its
    // unlock can miss, and a leaked lock stalls every later migration in the database for an hour.
    const handles = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ url: bouncer.url, pgliteDir: '', poolSize: 3 })));
    try {
      for (let round = 0; round < 3; round++) await Promise.all(handles.map((h) => migrateToLatest(h.db)));
      const ports = await bouncer.serverPorts();
      const leaked = await sql<{ pid: number }>`
        select a.pid from pg_locks l join pg_stat_activity a using (pid)
        where l.locktype = 'advisory' and l.granted and a.state = 'idle' and a.client_port = any(${ports}::int[])`.execute(ctx.deps.db);
      assert.deepEqual(leaked.rows, [], 'an idle pooled server connection holds an advisory lock');
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
  });

  it('gives exactly one outcome when two channels race on a request, with both decisions audited', async () => {
    const before = Number((await bouncer.stats()).total_xact_count ?? 0);
    for (let round = 0; round < 5; round++) {
      const outcome = await propose(ctx.deps, invite(`race-${round}`));
      assert.ok(outcome.outcome === 'approval_requested');
      const id = outcome.request.id;
      const { payload_hash: hash } = await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', id).executeTakeFirstOrThrow();
      const results = await Promise.all([
        recordDecision(ctx.deps, id, { channel: 'console', actor: 'alice', actorRoles: roles.alice, decision: 'approve', reason: '', payloadHash: hash }),
        recordDecision(ctx.deps, id, { channel: 'telegram', actor: 'bob', actorRoles: roles.bob, decision: 'reject', reason: 'no', payloadHash: hash }),
      ]);
      assert.equal(results.filter((r) => r.result === 'decided').length, 1, JSON.stringify(results.map((r) => r.result)));
      const audit = (await ctx.deps.db.selectFrom('audit_log').select('action').where('subject_id', '=', id).execute()).map((a) => a.action);
      assert.equal(audit.filter((a) => a.startsWith('approval.decision')).length, 2);
      assert.equal(audit.filter((a) => a === 'approval.approved' || a === 'approval.rejected').length, 1);
    }
    // An approved request is applied once by the worker, through the pooler too.
    await waitFor(() => action.applied.length + action.resolved.length >= 5 || undefined, { what: 'every outcome to be applied or told' });
    assert.equal((await verifyAuditLog(ctx.deps.db)).ok, true);
    assert.ok(Number((await bouncer.stats()).total_xact_count) > before, 'the statements went through pgbouncer');
  });

  it('delivers a campaign to every recipient once', async () => {
    await seedUsers(ctx.deps.db, 1200);
    downstream.latencyMs = 2;
    const created = await call('POST', '/api/v1/campaigns', {
      name: 'pooled',
      audience: { type: 'segment', filters: {} },
      template: 'Hi {{user.name}}',
      channel: { url: downstream.url, secret: SECRET, timeoutMs: 1000 },
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    assert.equal((await call('PUT', `/api/v1/campaigns/${id}/limits`, { concurrency: 8, ratePerSec: 400 })).status, 200);
    assert.equal(((await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string }).outcome, 'applied');
    await waitFor(async () => ((await (await call('GET', `/api/v1/campaigns/${id}`)).json()) as { status: string }).status === 'completed', {
      timeoutMs: 90_000,
      what: 'completion',
    });
    const rows = await ctx.deps.db.selectFrom('deliveries').select(['user_id', 'status']).where('campaign_id', '=', id).execute();
    assert.equal(rows.length, 1200);
    assert.equal(new Set(rows.map((r) => r.user_id)).size, 1200);
    assert.ok(rows.every((r) => r.status === 'delivered'));
    assert.equal([...downstream.seen.keys()].filter((key) => key.startsWith(`${id}:`)).length, 1200, 'every recipient reached the downstream');
  });
});
