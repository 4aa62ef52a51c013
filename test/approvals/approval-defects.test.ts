import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { sweep } from '../../src/approvals/lifecycle.js';
import { propose } from '../../src/approvals/propose.js';
import { manualClock } from '../../src/clock.js';
import { callbackSecret } from '../../src/telegram/api.js';
import { encodeCallback } from '../../src/telegram/callback-data.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { recordingAction } from '../support/recording-action.js';
import { seedUsers } from '../support/seed-users.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'hook-secret-0123456789';
const TARA = { id: 501, is_bot: false, first_name: 'Tara' };
const OLLY = { id: 502, is_bot: false, first_name: 'Olly' };
const ALICE_T = { id: 503, is_bot: false, first_name: 'Alice' };
const STRANGER = { id: 999, is_bot: false, first_name: 'Mallory' };
const ALICE_CI: string = 'alice-ci-token-0123456789abcdef';

describe('approvals flow defects', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const telegram = new FakeTelegram();
  const clock = manualClock(new Date());
  const invite = recordingAction('beta.invite');
  let updateId = 5000;

  const call = (method: string, path: string, token: string, body?: unknown) =>
    app.request(path, body === undefined ? { method, headers: bearer(token) } : { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const webhook = (update: Record<string, unknown>) =>
    app.request('/telegram/webhook', { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(update) });
  const tap = (from: typeof TARA, requestId: string, decision: 'approve' | 'reject') => {
    const id = ++updateId;
    const data = encodeCallback({ requestId, decision }, callbackSecret(ctx.deps.config.telegram));
    return webhook({ update_id: id, callback_query: { id: `cq-${id}`, from, chat_instance: 'ci', data, message: { message_id: 1, date: 0, chat: { id: 1001, type: 'private' } } } });
  };
  const campaign = async (name: string, amount: number) => {
    const res = await call('POST', '/api/v1/campaigns', TOKENS.operator, {
      name,
      audience: { type: 'segment', filters: {} },
      template: 'Hi {{user.name}}, {{reward.amount}} points',
      reward: { mechanism: 'points', amount },
      channel: { url: 'http://127.0.0.1:9/never', secret: 'downstream-secret-0123456789', mode: 'batch', maxBatch: 100 },
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  };
  const launch = async (id: string, token: string = TOKENS.operator) => {
    const res = await call('POST', `/api/v1/campaigns/${id}/launch`, token);
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as { outcome: string; request?: { id: string; status: string } };
  };
  const detail = async (id: string) => (await (await call('GET', `/api/v1/approvals/${id}`, TOKENS.viewer)).json()) as { payloadHash: string; status: string; useRefused: string | null };
  const decide = (id: string, token: string, decision: 'approve' | 'reject', payloadHash: string) =>
    call('POST', `/api/v1/approvals/${id}/decision`, token, { decision, reason: decision === 'reject' ? 'not now' : '', payloadHash });
  const campaignStatus = async (id: string) => (await ctx.deps.db.selectFrom('campaigns').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  before(async () => {
    await telegram.start();
    ctx = await createTestContext({
      clock,
      extraActions: [invite.handler],
      config: {
        auth: {
          tokens: [
            { name: 'olivia', token: TOKENS.operator, roles: ['operator'] },
            { name: 'alice', token: TOKENS.approver, roles: ['approver'] },
            { name: 'bob', token: TOKENS.approver2, roles: ['approver'] },
            { name: 'victor', token: TOKENS.viewer, roles: ['viewer'] },
            // One person, a second name: four eyes must still see alice.
            { name: 'alice-ci', token: ALICE_CI, roles: ['operator', 'approver'], person: 'alice' },
          ],
        },
        telegram: {
          enabled: true,
          botToken: '123:TEST',
          webhookSecret: SECRET,
          apiRoot: telegram.apiRoot,
          approverChats: [1001],
          approvers: [
            { userId: TARA.id, name: 'tara', roles: ['approver'] },
            { userId: OLLY.id, name: 'Olly', person: 'olivia', roles: ['approver'] },
            { userId: ALICE_T.id, name: 'Alice T', person: 'alice', roles: ['approver'] },
          ],
        },
      },
    });
    await seedUsers(ctx.deps.db, 100);
    app = createApp(ctx.deps);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
    await telegram.stop();
  });

  it('1: a launch rejected, then one expired, goes back to draft and a new proposal files a new request each time', async () => {
    const id = await campaign('again', 15); // budget 1,500 > 1,000: needs a person
    const first = await launch(id);
    assert.equal(first.outcome, 'approval_requested');
    const rejected = await decide(first.request!.id, TOKENS.approver, 'reject', (await detail(first.request!.id)).payloadHash);
    assert.equal(rejected.status, 200);
    await waitFor(async () => (await campaignStatus(id)) === 'draft', { what: 'the rejected campaign back to draft' });

    const second = await launch(id);
    assert.equal(second.outcome, 'approval_requested');
    assert.notEqual(second.request!.id, first.request!.id, 'a new request, not the rejected one');
    assert.equal(second.request!.status, 'pending');
    assert.equal(await campaignStatus(id), 'pending_approval');

    clock.advance(ctx.deps.config.approvals.timeoutsSec.normal * 1000 + 1000);
    assert.ok((await sweep(ctx.deps)).expired >= 1);
    await waitFor(async () => (await campaignStatus(id)) === 'draft', { what: 'the expired campaign back to draft' });
    const third = await launch(id);
    assert.ok(third.request && ![first.request!.id, second.request!.id].includes(third.request.id));
    assert.equal(third.request.status, 'pending');
  });

  it('2: an approval refused at use (payload_changed) puts the campaign back to draft and tells requester and approvers', async () => {
    const id = await campaign('edited', 12);
    const launched = await launch(id);
    const requestId = launched.request!.id;
    const shown = await detail(requestId);
    // Edited after the request was filed: the approval binds to what was shown.
    await ctx.deps.db.updateTable('campaigns').set({ reward: JSON.stringify({ mechanism: 'points', amount: 14 }) }).where('id', '=', id).execute();
    assert.equal((await decide(requestId, TOKENS.approver, 'approve', shown.payloadHash)).status, 200);

    await waitFor(async () => (await campaignStatus(id)) === 'draft', { what: 'the campaign back to draft' });
    const audit = await waitFor(async () => {
      const rows = await ctx.deps.db.selectFrom('audit_log').select(['action', 'data']).where('subject_id', '=', requestId).execute();
      return rows.some((a) => a.action === 'approval.requester_notified') ? rows : undefined;
    }, { what: 'the requester to be told' });
    assert.ok(audit.some((a) => a.action === 'approval.use_refused' && (a.data as { reason: string }).reason === 'payload_changed'));
    assert.ok(audit.some((a) => a.action === 'approval.requester_notified' && (a.data as { outcome: string }).outcome === 'payload_changed'));
    const told = await telegram.waitForCall('sendMessage', (c) => String(c.params.text).includes('NOT APPLIED') && String(c.params.text).includes(requestId));
    assert.equal(told.params.chat_id, 1001);
    assert.equal((await detail(requestId)).useRefused, 'payload_changed');
    const again = await launch(id);
    assert.ok(again.request && again.request.id !== requestId && again.request.status === 'pending', 'it can be proposed again');
  });

  it('3: every Telegram attempt on a request is in its trace, the denied ones and the taps after the decision too', async () => {
    const outcome = await propose(ctx.deps, { kind: 'beta.invite', proposer: 'pm', params: { name: 'wave', tenantIds: Array.from({ length: 12 }, (_, i) => `t${i}`) }, traceId: 'trace-taps', summary: 'Invite 12' });
    assert.ok(outcome.outcome === 'approval_requested');
    const requestId = outcome.request.id;
    assert.equal((await tap(STRANGER, requestId, 'approve')).status, 200);
    assert.equal((await tap(TARA, requestId, 'approve')).status, 200);
    assert.equal((await tap(TARA, requestId, 'reject')).status, 200);
    assert.equal((await tap(STRANGER, requestId, 'reject')).status, 200);
    const res = await call('GET', '/api/v1/audit?trace=trace-taps', TOKENS.viewer);
    const items = ((await res.json()) as { items: { action: string; actor: string; subjectId: string; data: Record<string, unknown> }[] }).items;
    const denied = items.filter((i) => i.action === 'telegram.denied');
    assert.equal(denied.length, 2, JSON.stringify(items.map((i) => i.action)));
    assert.ok(denied.every((d) => d.subjectId === requestId && d.actor === `telegram:${STRANGER.id}`));
    assert.equal(items.filter((i) => i.action === 'approval.decision').length, 1);
    const late = items.filter((i) => i.action === 'approval.decision_not_applied');
    assert.equal(late.length, 1);
    assert.equal(late[0]!.data.result, 'already_decided');
  });

  it('4: four eyes matches people, not names: a second token or a Telegram account of the requester cannot approve', async () => {
    const id = await campaign('own', 12);
    const byAliceCi = await launch(id, ALICE_CI);
    const requestId = byAliceCi.request!.id;
    const hash = (await detail(requestId)).payloadHash;
    const own = await decide(requestId, TOKENS.approver, 'approve', hash);
    assert.equal(own.status, 409);
    assert.match(((await own.json()) as { message: string }).message, /own request/);
    await tap(ALICE_T, requestId, 'approve');
    assert.equal((await detail(requestId)).status, 'pending', 'alice on Telegram is still alice');

    const byOlivia = await propose(ctx.deps, {
      kind: 'beta.invite',
      proposer: 'operator',
      requester: 'olivia',
      params: { name: 'olivia-wave', tenantIds: Array.from({ length: 12 }, (_, i) => `t${i}`) },
      traceId: 'trace-olivia',
      summary: 'Invite 12 (olivia)',
    });
    assert.ok(byOlivia.outcome === 'approval_requested');
    await tap(OLLY, byOlivia.request.id, 'approve');
    assert.equal((await detail(byOlivia.request.id)).status, 'pending', 'Olly is olivia');
    const refusals = await ctx.deps.db.selectFrom('audit_log').select('data').where('subject_id', '=', byOlivia.request.id).where('action', '=', 'approval.decision_not_applied').execute();
    assert.equal((refusals[0]?.data as { reason: string } | undefined)?.reason, 'own_request');
    await tap(TARA, byOlivia.request.id, 'approve');
    assert.equal((await detail(byOlivia.request.id)).status, 'approved');
  });

  it('4: on a dual-channel request the same person cannot approve both channels under two names', async () => {
    const outcome = await propose(ctx.deps, { kind: 'beta.invite', proposer: 'pm', params: { name: 'big', tenantIds: Array.from({ length: 40 }, (_, i) => `t${i}`) }, traceId: 'trace-dual', summary: 'Invite 40' });
    assert.ok(outcome.outcome === 'approval_requested' && outcome.request.priority === 'high');
    const id = outcome.request.id;
    assert.equal((await decide(id, TOKENS.approver, 'approve', (await detail(id)).payloadHash)).status, 200);
    await tap(ALICE_T, id, 'approve');
    assert.equal((await detail(id)).status, 'pending');
    await tap(TARA, id, 'approve');
    assert.equal((await detail(id)).status, 'approved');
  });

  it('Telegram says which channels a request needs as the rule really is', async () => {
    const normal = await propose(ctx.deps, { kind: 'beta.invite', proposer: 'pm', params: { name: 'needs', tenantIds: Array.from({ length: 12 }, (_, i) => `t${i}`) }, traceId: 'trace-needs', summary: 'Invite 12 (needs)' });
    assert.ok(normal.outcome === 'approval_requested');
    const sent = await telegram.waitForCall('sendMessage', (c) => String(c.params.text).includes(normal.request.id));
    assert.match(String(sent.params.text), /Needs: one approval on console or telegram/);
    assert.doesNotMatch(String(sent.params.text), /\(both\)/);
    const dual = await propose(ctx.deps, { kind: 'beta.invite', proposer: 'pm', params: { name: 'needs2', tenantIds: Array.from({ length: 40 }, (_, i) => `t${i}`) }, traceId: 'trace-needs2', summary: 'Invite 40 (needs)' });
    assert.ok(dual.outcome === 'approval_requested');
    const sentDual = await telegram.waitForCall('sendMessage', (c) => String(c.params.text).includes(dual.request.id));
    assert.match(String(sentDual.params.text), /Needs: approval on each of console and telegram \(two people\)/);
  });
});
