import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { escalateRequest, sweep } from '../../src/approvals/lifecycle.js';
import { type Proposal, propose } from '../../src/approvals/propose.js';
import { recordDecision } from '../../src/approvals/record-decision.js';
import { manualClock } from '../../src/clock.js';
import { callbackSecret } from '../../src/telegram/api.js';
import { encodeCallback } from '../../src/telegram/callback-data.js';
import type { TestContext } from '../support/deps.js';
import type { FakeTelegram } from '../support/fake-telegram.js';
import { startTelegramSystem, type TelegramSystem } from '../support/telegram-system.js';
import { recordingAction } from '../support/recording-action.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'hook-secret-0123456789';
const APPROVER = { id: 501, is_bot: false, first_name: 'Tara' };
const STRANGER = { id: 999, is_bot: false, first_name: 'Mallory' };
const VIEWER = { id: 777, is_bot: false, first_name: 'Vic' };

describe('Telegram approvals channel', () => {
  let system: TelegramSystem;
  let ctx: TestContext;
  let app: TelegramSystem['app'];
  let telegram: FakeTelegram;
  const clock = manualClock(new Date());
  const action = recordingAction('campaign.launch');
  let updateId = 1000;

  const propose12k = async (name: string, audienceSize = 12_000) => {
    const proposal: Proposal = { kind: 'campaign.launch', proposer: 'growth', params: { name, audienceSize, budget: 100 }, traceId: `trace-${name}`, summary: `Launch ${name}` };
    const outcome = await propose(ctx.deps, proposal);
    assert.ok(outcome.outcome === 'approval_requested');
    return outcome.request;
  };
  const webhook = (update: Record<string, unknown>, secret = SECRET) =>
    app.request('/telegram/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: JSON.stringify(update),
    });
  const tap = (from: typeof APPROVER, data: string, id = ++updateId) => ({
    update_id: id,
    callback_query: { id: `cq-${id}`, from, chat_instance: 'ci', data, message: { message_id: 1, date: 0, chat: { id: 1001, type: 'private' } } },
  });
  const command = (from: typeof APPROVER, text: string) => ({
    update_id: ++updateId,
    message: { message_id: updateId, date: 0, chat: { id: 1001, type: 'private' }, from, text, entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] },
  });
  const status = async (id: string) => (await ctx.deps.db.selectFrom('approval_requests').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const sentFor = (id: string, chat = 1001) => telegram.waitForCall('sendMessage', (c) => c.params.chat_id === chat && String(c.params.text).includes(id));

  before(async () => {
    system = await startTelegramSystem({
      clock,
      extraActions: [action.handler],
      telegram: {
        webhookSecret: SECRET,
        approverChats: [1001],
        escalationChats: [2002],
        approvers: [
          { userId: APPROVER.id, name: 'tara', roles: ['approver'] },
          { userId: VIEWER.id, name: 'vic', roles: ['viewer'] },
        ],
      },
    });
    ({ ctx, app, telegram } = system);
  });
  after(() => system.stop());
  beforeEach(() => clock.set(new Date()));

  it('sends a new request to the approver chats with signed Approve / Reject buttons within 64 bytes', async () => {
    const request = await propose12k('notify');
    const call = await sentFor(request.id);
    const buttons = call.params.reply_markup.inline_keyboard.flat() as { text: string; callback_data: string }[];
    assert.deepEqual(buttons.map((b) => b.text), ['✅ Approve', '❌ Reject']);
    for (const b of buttons) assert.ok(Buffer.byteLength(b.callback_data) <= 64);
    assert.match(String(call.params.text), /Audience: 12,000 users/);
  });

  it('takes a tap from an allow-listed approver, answers it, and edits the message with its buttons removed', async () => {
    const request = await propose12k('tap');
    const message = await sentFor(request.id);
    const data = (message.params.reply_markup.inline_keyboard[0][0] as { callback_data: string }).callback_data;
    const res = await webhook(tap(APPROVER, data));
    assert.equal(res.status, 200);
    assert.equal(await status(request.id), 'approved');
    const answer = await telegram.waitForCall('answerCallbackQuery', (c) => /recorded/.test(String(c.params.text)));
    assert.ok(answer);
    const edit = await telegram.waitForCall('editMessageText', (c) => String(c.params.text).includes(request.id));
    assert.deepEqual(edit.params.reply_markup, { inline_keyboard: [] });
    assert.match(String(edit.params.text), /APPROVED/);
    await waitFor(() => action.applied.find((a) => a.approvalId === request.id));
    const decision = await ctx.deps.db.selectFrom('approval_decisions').selectAll().where('request_id', '=', request.id).executeTakeFirstOrThrow();
    assert.equal(decision.channel, 'telegram');
    assert.equal(decision.actor, 'tara');
  });

  it('changes nothing for a stranger, an allow-listed user without the approver role, a wrong secret or a tampered button', async () => {
    const request = await propose12k('denied');
    const secret = callbackSecret(ctx.deps.config.telegram);
    const approve = encodeCallback({ requestId: request.id, decision: 'approve' }, secret);
    await webhook(tap(STRANGER, approve));
    await telegram.waitForCall('answerCallbackQuery', (c) => /not allowed/.test(String(c.params.text)));
    await webhook(tap(VIEWER, approve));
    assert.equal((await webhook(tap(APPROVER, approve), 'wrong-secret')).status, 401);
    const tampered = `${approve.slice(0, -2)}xx`;
    await webhook(tap(APPROVER, tampered));
    await telegram.waitForCall('answerCallbackQuery', (c) => /not valid/.test(String(c.params.text)));
    assert.equal(await status(request.id), 'pending');
    const decisions = await ctx.deps.db.selectFrom('approval_decisions').selectAll().where('request_id', '=', request.id).execute();
    assert.equal(decisions.length, 0);
  });

  it('treats a replayed update as a no-op and a late tap as already decided', async () => {
    const request = await propose12k('replay');
    const data = encodeCallback({ requestId: request.id, decision: 'reject' }, callbackSecret(ctx.deps.config.telegram));
    const update = tap(APPROVER, data);
    await webhook(update);
    const answers = telegram.callsTo('answerCallbackQuery').length;
    await webhook(update);
    assert.equal(telegram.callsTo('answerCallbackQuery').length, answers, 'a redelivered update is not handled again');
    assert.equal(await status(request.id), 'rejected');
    await webhook(tap(APPROVER, data));
    await telegram.waitForCall('answerCallbackQuery', (c) => /Already decided/.test(String(c.params.text)));
    const decisions = await ctx.deps.db.selectFrom('approval_decisions').selectAll().where('request_id', '=', request.id).execute();
    assert.equal(decisions.length, 1);
  });

  it('answers /pending, /approve and /reject commands from approvers', async () => {
    const first = await propose12k('cmd-approve');
    const second = await propose12k('cmd-reject');
    await webhook(command(APPROVER, '/pending'));
    await telegram.waitForCall('sendMessage', (c) => String(c.params.text).includes(first.id.slice(0, 8)));
    await webhook(command(APPROVER, `/approve ${first.id.slice(0, 8)}`));
    await webhook(command(APPROVER, `/reject ${second.id} budget too high`));
    assert.equal(await status(first.id), 'approved');
    assert.equal(await status(second.id), 'rejected');
    const reason = await ctx.deps.db.selectFrom('approval_decisions').select('reason').where('request_id', '=', second.id).executeTakeFirstOrThrow();
    assert.equal(reason.reason, 'budget too high');
    await webhook(command(STRANGER, `/approve ${first.id}`));
    await telegram.waitForCall('sendMessage', (c) => /not allowed/.test(String(c.params.text)));
  });

  it('expires at the deadline with the message edited and buttons gone, and escalates at its share of the timeout', async () => {
    const request = await propose12k('expiring');
    await sentFor(request.id);
    clock.advance(ctx.deps.config.approvals.timeoutsSec.normal * 500 + 1000);
    assert.equal(await escalateRequest(ctx.deps, request.id), true);
    const escalation = await sentFor(request.id, 2002);
    assert.match(String(escalation.params.text), /ESCALATED/);
    clock.advance(ctx.deps.config.approvals.timeoutsSec.normal * 1000);
    await sweep(ctx.deps);
    assert.equal(await status(request.id), 'expired');
    const edits = await waitFor(() => {
      const found = telegram.callsTo('editMessageText').filter((c) => String(c.params.text).includes(request.id));
      return found.length === 2 ? found : undefined;
    }, { what: 'both messages edited' });
    for (const edit of edits) {
      assert.deepEqual(edit.params.reply_markup, { inline_keyboard: [] });
      assert.match(String(edit.params.text), /EXPIRED/);
    }
  });

  it('retries through 429 and 5xx from Telegram, and an outage never blocks the console channel', async () => {
    telegram.failNext(1, 429, { retryAfter: 1, method: 'sendMessage' });
    telegram.failNext(2, 502, { method: 'sendMessage' });
    const request = await propose12k('flaky');
    // Three refused attempts (recorded by the fake) and then the one that got through.
    const attempts = await waitFor(() => {
      const calls = telegram.callsTo('sendMessage').filter((c) => String(c.params.text).includes(request.id));
      return calls.length >= 4 ? calls : undefined;
    }, { timeoutMs: 30_000, what: 'the message to get through' });
    assert.equal(attempts.length, 4);

    telegram.failNext(50, 500, { method: 'sendMessage' });
    const down = await propose12k('outage');
    const { payload_hash: hash } = await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', down.id).executeTakeFirstOrThrow();
    const decided = await recordDecision(ctx.deps, down.id, { channel: 'console', actor: 'alice', actorRoles: ['approver'], decision: 'approve', reason: '', payloadHash: hash });
    assert.equal(decided.status, 'approved');
  });
});
