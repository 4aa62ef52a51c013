import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createApp } from '../../src/api/app.js';
import { applyApproved } from '../../src/approvals/apply-approved.js';
import { escalateRequest, sweep } from '../../src/approvals/lifecycle.js';
import { type Proposal, propose } from '../../src/approvals/propose.js';
import { recordDecision } from '../../src/approvals/record-decision.js';
import { verifyAuditLog } from '../../src/audit/store.js';
import { manualClock } from '../../src/clock.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { recordingAction } from '../support/recording-action.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const launch = (name: string, audienceSize: number, extra: Partial<Proposal> = {}): Proposal => ({
  kind: 'campaign.launch',
  proposer: 'growth',
  params: { name, audienceSize, budget: 100 },
  traceId: `trace-${name}`,
  summary: `Launch ${name} to ${audienceSize} users`,
  ...extra,
});

const roles = { alice: ['approver'], bob: ['approver'] } as const;

describe('approvals: policy, decisions, expiry, audit', () => {
  let ctx: TestContext;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let app: ReturnType<typeof createApp>;
  const telegram = new FakeTelegram();
  const clock = manualClock(new Date());
  const action = recordingAction('campaign.launch');

  before(async () => {
    await telegram.start();
    ctx = await createTestContext({
      clock,
      extraActions: [action.handler],
      config: {
        telegram: { enabled: true, botToken: '123:TEST', webhookSecret: 'hook-secret-123', apiRoot: telegram.apiRoot, approverChats: [1001] },
      },
    });
    app = createApp(ctx.deps);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
    await telegram.stop();
  });
  beforeEach(() => clock.set(new Date()));

  it('applies a proposal within its guardrails with no request, in the worker that applies approved ones', async () => {
    const outcome = await propose(ctx.deps, launch('small', 500));
    assert.equal(outcome.outcome, 'applied');
    await waitFor(() => action.applied.find((a) => a.params.name === 'small' && a.approvalId === null), { what: 'the allowed launch to apply' });
    const requests = await ctx.deps.db.selectFrom('approval_requests').selectAll().where('trace_id', '=', 'trace-small').execute();
    assert.equal(requests.length, 0);
  });

  it('turns a proposal over its guardrail into a pending request and applies nothing', async () => {
    const outcome = await propose(ctx.deps, launch('big', 15_000));
    assert.equal(outcome.outcome, 'approval_requested');
    assert.ok(outcome.outcome === 'approval_requested' && outcome.request.status === 'pending');
    assert.ok(!action.applied.some((a) => a.params.name === 'big'));
  });

  it('refuses what the policy forbids, with a reason', async () => {
    const outcome = await propose(ctx.deps, launch('huge', 5_000_000));
    assert.equal(outcome.outcome, 'refused');
    const wrongAgent = await propose(ctx.deps, { ...launch('ops-launch', 10), proposer: 'pm' });
    assert.equal(wrongAgent.outcome, 'refused');
  });

  it('keeps a high-priority request pending after one approval and approves it on the second channel, then applies it once', async () => {
    const outcome = await propose(ctx.deps, launch('dual', 25_000));
    assert.ok(outcome.outcome === 'approval_requested');
    const request = outcome.request;
    assert.equal(request.priority, 'high');
    assert.deepEqual(request.requiredChannels, ['console', 'telegram']);
    const hash = (await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', request.id).executeTakeFirstOrThrow()).payload_hash;
    const first = await recordDecision(ctx.deps, request.id, { channel: 'console', actor: 'alice', actorRoles: roles.alice, decision: 'approve', reason: 'fine', payloadHash: hash });
    assert.equal(first.result, 'recorded');
    assert.equal(first.status, 'pending');
    const sameAgain = await recordDecision(ctx.deps, request.id, { channel: 'console', actor: 'alice', actorRoles: roles.alice, decision: 'approve', reason: 'fine', payloadHash: hash });
    assert.equal(sameAgain.result, 'duplicate');
    const samePerson = await recordDecision(ctx.deps, request.id, { channel: 'telegram', actor: 'alice', actorRoles: roles.alice, decision: 'approve', reason: '', payloadHash: hash });
    assert.equal(samePerson.result, 'refused');
    const second = await recordDecision(ctx.deps, request.id, { channel: 'telegram', actor: 'bob', actorRoles: roles.bob, decision: 'approve', reason: '', payloadHash: hash });
    assert.equal(second.result, 'decided');
    assert.equal(second.status, 'approved');
    await waitFor(() => action.applied.find((a) => a.approvalId === request.id), { what: 'the approved launch to apply' });
    const again = await recordDecision(ctx.deps, request.id, { channel: 'telegram', actor: 'bob', actorRoles: roles.bob, decision: 'approve', reason: '', payloadHash: hash });
    assert.equal(again.result, 'already_decided');
    const secondUse = await applyApproved(ctx.deps, request.id);
    assert.deepEqual(secondUse, { applied: false, reason: 'already_used' });
    assert.equal(action.applied.filter((a) => a.approvalId === request.id).length, 1);
  });

  it('rejects a dual-channel request on one reject', async () => {
    const outcome = await propose(ctx.deps, launch('dual-reject', 25_000));
    assert.ok(outcome.outcome === 'approval_requested');
    const { payload_hash: hash } = await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', outcome.request.id).executeTakeFirstOrThrow();
    const reject = await recordDecision(ctx.deps, outcome.request.id, { channel: 'telegram', actor: 'bob', actorRoles: roles.bob, decision: 'reject', reason: 'too big', payloadHash: hash });
    assert.equal(reject.status, 'rejected');
    await waitFor(() => action.resolved.find((r) => r.payload.name === 'dual-reject' && r.outcome === 'rejected'), { what: 'the requester to be told' });
  });

  it('gives exactly one outcome when two channels race, and audits both decisions', async () => {
    for (let round = 0; round < 5; round++) {
      const outcome = await propose(ctx.deps, launch(`race-${round}`, 25_000));
      assert.ok(outcome.outcome === 'approval_requested');
      const id = outcome.request.id;
      const { payload_hash: hash } = await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', id).executeTakeFirstOrThrow();
      const results = await Promise.all([
        recordDecision(ctx.deps, id, { channel: 'console', actor: 'alice', actorRoles: roles.alice, decision: 'reject', reason: 'no', payloadHash: hash }),
        recordDecision(ctx.deps, id, { channel: 'telegram', actor: 'bob', actorRoles: roles.bob, decision: 'reject', reason: 'no', payloadHash: hash }),
      ]);
      assert.equal(results.filter((r) => r.result === 'decided').length, 1, JSON.stringify(results.map((r) => r.result)));
      const audit = await ctx.deps.db.selectFrom('audit_log').select('action').where('subject_id', '=', id).execute();
      const actions = audit.map((a) => a.action);
      assert.equal(actions.filter((a) => a === 'approval.rejected').length, 1);
      assert.equal(actions.filter((a) => a.startsWith('approval.decision')).length, 2);
    }
  });

  it('refuses an action whose parameters changed after approval, and a requester approving its own request', async () => {
    const outcome = await propose(ctx.deps, launch('edited', 12_000, { requester: 'alice', proposer: 'operator' }));
    assert.ok(outcome.outcome === 'approval_requested');
    const id = outcome.request.id;
    const { payload_hash: hash } = await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', id).executeTakeFirstOrThrow();
    const own = await recordDecision(ctx.deps, id, { channel: 'console', actor: 'alice', actorRoles: roles.alice, decision: 'approve', reason: '', payloadHash: hash });
    assert.equal(own.result, 'refused');
    assert.match(own.message, /own/i);
    action.edit('edited', { name: 'edited', audienceSize: 90_000, budget: 100 });
    await recordDecision(ctx.deps, id, { channel: 'console', actor: 'bob', actorRoles: roles.bob, decision: 'approve', reason: '', payloadHash: hash });
    const refused = await waitFor(() =>
      ctx.deps.db.selectFrom('audit_log').selectAll().where('subject_id', '=', id).where('action', '=', 'approval.use_refused').executeTakeFirst(),
    );
    assert.equal((refused.data as { reason: string }).reason, 'payload_changed');
    assert.ok(!action.applied.some((a) => a.approvalId === id));
  });

  it('expires a request at its deadline through the sweep, resolved as rejected, and escalates at its share', async () => {
    const outcome = await propose(ctx.deps, launch('slow', 11_000));
    assert.ok(outcome.outcome === 'approval_requested');
    const id = outcome.request.id;
    assert.equal(await escalateRequest(ctx.deps, id), false, 'not yet at the escalation time');
    clock.advance(ctx.deps.config.approvals.timeoutsSec.normal * 1000 * 0.5 + 1);
    assert.equal(await escalateRequest(ctx.deps, id), true);
    assert.equal(await escalateRequest(ctx.deps, id), false, 'escalates once');
    clock.advance(ctx.deps.config.approvals.timeoutsSec.normal * 1000);
    const swept = await sweep(ctx.deps);
    assert.ok(swept.expired >= 1);
    const row = await ctx.deps.db.selectFrom('approval_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.status, 'expired');
    const late = await recordDecision(ctx.deps, id, { channel: 'console', actor: 'bob', actorRoles: roles.bob, decision: 'approve', reason: '', payloadHash: row.payload_hash });
    assert.equal(late.result, 'expired');
    await waitFor(() => action.resolved.find((r) => r.payload.name === 'slow' && r.outcome === 'expired'), { what: 'the requester to be told of expiry' });
  });

  it('lets a viewer read but not decide (403), and validates decisions (400) over HTTP', async () => {
    const outcome = await propose(ctx.deps, launch('http', 11_000));
    assert.ok(outcome.outcome === 'approval_requested');
    const id = outcome.request.id;
    const detail = await app.request(`/api/v1/approvals/${id}`, { headers: bearer(TOKENS.viewer) });
    assert.equal(detail.status, 200);
    const shown = (await detail.json()) as { payloadHash: string; payloadText: string };
    assert.match(shown.payloadText, /Audience/);
    const post = (token: string, body: unknown) =>
      app.request(`/api/v1/approvals/${id}/decision`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post(TOKENS.viewer, { decision: 'approve', payloadHash: shown.payloadHash })).status, 403);
    const bad = await post(TOKENS.approver, { decision: 'maybe', payloadHash: shown.payloadHash });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { field: string } }).error.field, 'json.decision');
    assert.equal((await post(TOKENS.approver, { decision: 'approve' })).status, 400);
    assert.equal((await app.request(`/api/v1/approvals/not-a-uuid`, { headers: bearer(TOKENS.viewer) })).status, 400);
    assert.equal((await app.request(`/api/v1/approvals/${randomUUID()}`, { headers: bearer(TOKENS.viewer) })).status, 404);
    const decisions = await ctx.deps.db.selectFrom('approval_decisions').selectAll().where('request_id', '=', id).execute();
    assert.equal(decisions.length, 0, 'nothing written by refused calls');
    const ok = await post(TOKENS.approver, { decision: 'approve', reason: 'looks right', payloadHash: shown.payloadHash });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { status: string }).status, 'approved');
    const pending = await app.request('/api/phase7/approvals/pending', { headers: bearer(TOKENS.viewer) });
    assert.equal(pending.status, 200);
    const historyPage = (await (await app.request('/api/v1/approvals/history?status=approved&actor=alice', { headers: bearer(TOKENS.viewer) })).json()) as { items: { id: string }[] };
    assert.ok(historyPage.items.some((i) => i.id === id));
    const byTrace = (await (await app.request('/api/v1/approvals?trace=trace-http', { headers: bearer(TOKENS.viewer) })).json()) as { items: unknown[] };
    assert.equal(byTrace.items.length, 1);
  });

  it('verifies the audit chain, and finds the first altered entry after a change in SQL', async () => {
    const verdict = await verifyAuditLog(ctx.deps.db);
    assert.ok(verdict.ok, JSON.stringify(verdict));
    const res = await app.request('/api/v1/audit/verify', { headers: bearer(TOKENS.viewer) });
    assert.equal(((await res.json()) as { ok: boolean }).ok, true);
    const target = await ctx.deps.db.selectFrom('audit_log').select('seq').where('seq', 'is not', null).orderBy('seq').offset(3).limit(1).executeTakeFirstOrThrow();
    await assert.rejects(sql`update audit_log set actor = 'mallory' where seq = ${target.seq}`.execute(ctx.deps.db), /append-only/);
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(ctx.deps.db);
    await sql`update audit_log set actor = 'mallory' where seq = ${target.seq}`.execute(ctx.deps.db);
    const broken = await verifyAuditLog(ctx.deps.db);
    assert.equal(broken.ok, false);
    assert.ok(!broken.ok && broken.brokenAt === Number(target.seq));
  });
});
