import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { sweep } from '../../src/approvals/lifecycle.js';
import { finalChannel } from '../../src/approvals/wait.js';
import { verifyWebhook } from '../../src/approvals/webhook-signature.js';
import { callbackSecret } from '../../src/telegram/api.js';
import { encodeCallback } from '../../src/telegram/callback-data.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { serveApp } from '../support/server.js';
import { AGENT_TOKENS, bearer, externalClientTokens, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'hook-secret-0123456789';
const META: string = AGENT_TOKENS.meta;
const OTHER: string = AGENT_TOKENS.other;
const WEBHOOK_SECRET = 'whsec-meta-0123456789abcdef';
const TARA = { id: 601, is_bot: false, first_name: 'Tara' };

/** A webhook receiver on a fixed loopback port that can be down (not listening) and come back up. */
class Receiver {
  readonly received: { eventId: string; body: string; signature: string | undefined }[] = [];
  private server: Server | undefined;
  port = 0;
  async reservePort() {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    this.port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
  async up() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        this.received.push({ eventId: String(req.headers['x-flywheel-event-id']), body, signature: req.headers['x-flywheel-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }
  async down() {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
  get url() {
    return `http://127.0.0.1:${this.port}/flywheel-hook`;
  }
}

describe('external approval requests', () => {
  let ctx: TestContext;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const telegram = new FakeTelegram();
  const receiver = new Receiver();
  let updateId = 9000;

  const call = (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const file = (body: Record<string, unknown>, key?: string, token = META) => call('POST', '/api/v1/approvals', token, body, key ? { 'idempotency-key': key } : {});
  const tap = (requestId: string, decision: 'approve' | 'reject') => {
    const id = ++updateId;
    const data = encodeCallback({ requestId, decision }, callbackSecret(ctx.deps.config.telegram));
    return fetch(`${server.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify({ update_id: id, callback_query: { id: `cq-${id}`, from: TARA, chat_instance: 'ci', data, message: { message_id: 1, date: 0, chat: { id: 1001, type: 'private' } } } }),
    });
  };
  type Shown = { id: string; status: string; payloadHash: string; resolution: string | null; reasons: string[]; webhooks: { eventId: string; status: string; attempts: number }[]; history: { action: string }[] };

  before(async () => {
    await telegram.start();
    await receiver.reservePort();
    ctx = await createTestContext({
      config: {
        auth: { tokens: externalClientTokens({ metaWebhookSecret: WEBHOOK_SECRET }) },
        approvals: { webhooks: { backoffMs: 50, backoffMaxMs: 200, maxAttempts: 200, timeoutMs: 2000 } },
        policy: {
          kinds: {
            'meta.budget.shift': {
              proposers: ['agent'],
              approverRoles: ['approver'],
              guardrails: [{ param: 'amount', max: 100, hardMax: 500 }],
              priority: { type: 'fixed', priority: 'normal' },
            },
          },
        },
        telegram: { enabled: true, botToken: '123:TEST', webhookSecret: SECRET, apiRoot: telegram.apiRoot, approverChats: [1001], approvers: [{ userId: TARA.id, name: 'tara', roles: ['approver'] }] },
      },
    });
    server = await serveApp(ctx.deps);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await server.close();
    await receiver.down();
    await ctx.cleanup();
    await telegram.stop();
  });

  it('files one request for two posts with the same Idempotency-Key, and refuses the key reused for something else', async () => {
    const body = { kind: 'meta.strategy.apply', title: 'Shift 5% of budget to referrals', summary: '**Why:** referrals convert 2× better.', payload: { strategy: 'referral-first', share: 0.05 }, priority: 'normal' };
    const first = await file(body, 'key-1');
    assert.equal(first.status, 201, await first.clone().text());
    const again = await file(body, 'key-1');
    assert.equal(again.status, 200);
    const [a, b] = (await Promise.all([first.json(), again.json()])) as Shown[];
    assert.equal(a!.id, b!.id);
    assert.equal(a!.status, 'pending');
    assert.match(a!.reasons[0]!, /unknown kind always needs a person/);
    const rows = await ctx.deps.db.selectFrom('approval_requests').select('id').where('kind', '=', 'meta.strategy.apply').execute();
    assert.equal(rows.length, 1);
    const reused = await file({ ...body, payload: { strategy: 'other' } }, 'key-1');
    assert.equal(reused.status, 422);
    // Another client's identical key is its own.
    assert.equal((await file(body, 'key-1', OTHER)).status, 201);
  });

  it('answers bad input with a 400 naming the field and files nothing', async () => {
    const before = await ctx.deps.db.selectFrom('approval_requests').select('id').execute();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ kind: 'Strategy', title: 't' }, 'json.kind', META],
      [{ kind: 'campaign.launch', title: 't' }, 'json.kind', META],
      [{ kind: 'meta.x', title: '' }, 'json.title', META],
      [{ kind: 'meta.x', title: 't', priority: 'urgent' }, 'json.priority', META],
      [{ kind: 'meta.x', title: 't', callbackUrl: 'ftp://x' }, 'json.callbackUrl', META],
      [{ kind: 'meta.x', title: 't', callbackUrl: 'http://127.0.0.1:1/x' }, 'json.callbackUrl', OTHER], // no webhookSecret
    ];
    for (const [body, field, token] of cases) {
      const res = await file(body, undefined, token);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${await res.clone().text()}`);
      assert.equal(((await res.json()) as { error: { field: string } }).error.field, field);
    }
    assert.equal((await ctx.deps.db.selectFrom('approval_requests').select('id').execute()).length, before.length);
  });

  it('lets an agent token read only its own requests, and never decide', async () => {
    const mine = (await (await file({ kind: 'meta.private.thing', title: 'mine', payload: { secret: 42 } })).json()) as Shown;
    assert.equal((await call('GET', `/api/v1/approvals/${mine.id}`, OTHER)).status, 404);
    assert.equal((await call('GET', `/api/v1/approvals/${mine.id}`, META)).status, 200);
    const decision = { decision: 'approve', payloadHash: mine.payloadHash };
    assert.equal((await call('POST', `/api/v1/approvals/${mine.id}/decision`, META, decision)).status, 403);
    assert.equal((await call('POST', `/api/v1/approvals/${mine.id}/decision`, OTHER, decision)).status, 403);
    assert.equal((await call('GET', '/api/v1/approvals/pending', META)).status, 403);
    assert.equal((await call('GET', '/api/v1/approvals/history', OTHER)).status, 403);
    assert.equal((await call('GET', '/api/v1/status', META)).status, 403);
    assert.equal((await call('POST', `/api/v1/approvals/${mine.id}/cancel`, OTHER, {})).status, 404);
    const others = (await (await call('GET', '/api/v1/approvals/mine', OTHER)).json()) as { items: { id: string }[] };
    assert.ok(!others.items.some((i) => i.id === mine.id));
    const own = (await (await call('GET', '/api/v1/approvals/mine?status=pending', META)).json()) as { items: { id: string }[] };
    assert.ok(own.items.some((i) => i.id === mine.id));
    assert.equal((await call('GET', `/api/v1/approvals/${mine.id}`, TOKENS.viewer)).status, 200, 'people see every request');
    const cancelled = await call('POST', `/api/v1/approvals/${mine.id}/cancel`, META, { reason: 'not needed' });
    assert.equal(cancelled.status, 200);
    assert.equal(((await cancelled.json()) as Shown).status, 'cancelled');
  });

  it('applies the policy to a listed external kind: within the guardrail at once, past the hard limit refused', async () => {
    const small = (await (await file({ kind: 'meta.budget.shift', title: 'small', payload: { amount: 50 } })).json()) as Shown;
    assert.equal(small.status, 'approved');
    assert.match(small.resolution ?? '', /approved by policy/);
    const big = (await (await file({ kind: 'meta.budget.shift', title: 'big', payload: { amount: 200 } })).json()) as Shown;
    assert.equal(big.status, 'pending');
    const huge = (await (await file({ kind: 'meta.budget.shift', title: 'huge', payload: { amount: 900 } })).json()) as Shown;
    assert.equal(huge.status, 'rejected');
    assert.match(huge.resolution ?? '', /hard limit/);
  });

  it('long polling answers within 100 ms of a decision made on Telegram', async () => {
    const filed = (await (await file({ kind: 'meta.strategy.poll', title: 'poll me' })).json()) as Shown;
    await telegram.waitForCall('sendMessage', (c) => String(c.params.text).includes(filed.id));
    let answered = false;
    const polled = call('GET', `/api/v1/approvals/${filed.id}?waitSec=20`, META).then(async (res) => {
      answered = true;
      return { at: Date.now(), body: (await res.json()) as Shown };
    });
    // The poll is waiting once the server has subscribed to the final-outcome channel.
    await waitFor(async () => Number(((await ctx.deps.redis.pubsub('NUMSUB', finalChannel(ctx.deps.queues.prefix))) as [string, number])[1]) > 0, { what: 'the long poll to subscribe' });
    assert.equal(answered, false, 'a pending request is not answered before its decision');
    const tapped = await tap(filed.id, 'approve');
    // The decision is made by the time Telegram's update is answered; a poll that checked on an interval would answer later.
    const decidedAt = Date.now();
    assert.equal(tapped.status, 200);
    const { at, body } = await polled;
    assert.equal(body.status, 'approved');
    assert.ok(at - decidedAt < 100, `answered ${at - decidedAt} ms after the decision`);
    const quick = Date.now();
    assert.equal((await call('GET', `/api/v1/approvals/${filed.id}?waitSec=20`, META)).status, 200);
    assert.ok(Date.now() - quick < 1000, 'a final request answers at once');
  });

  it('delivers the outcome webhook exactly once per event after the receiver was down, signed, every attempt in the history', async () => {
    const filed = (await (await file({ kind: 'meta.strategy.hook', title: 'tell me', callbackUrl: receiver.url, payload: { plan: 'b' } })).json()) as Shown;
    const approve = await call('POST', `/api/v1/approvals/${filed.id}/decision`, TOKENS.approver, { decision: 'approve', reason: 'ok', payloadHash: filed.payloadHash });
    assert.equal(approve.status, 200);
    const eventId = `${filed.id}.approved`;
    await waitFor(async () => {
      const row = await ctx.deps.db.selectFrom('approval_webhooks').select('attempts').where('event_id', '=', eventId).executeTakeFirst();
      return (row?.attempts ?? 0) >= 3;
    }, { what: 'three failed attempts while the receiver is down' });
    assert.equal(receiver.received.length, 0);
    await receiver.up();
    await waitFor(() => receiver.received.find((r) => r.eventId === eventId), { what: 'the webhook once the receiver is up' });
    await sweep(ctx.deps); // re-queues only what is still pending: nothing
    // Nothing left that could send it again: no webhook job waiting, delayed or running.
    const queue = ctx.deps.queues.get('approval-webhooks');
    await waitFor(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    }, { what: 'the webhook queue to drain' });
    const got = receiver.received.filter((r) => r.eventId === eventId);
    assert.equal(got.length, 1, 'exactly once');
    assert.deepEqual(verifyWebhook(WEBHOOK_SECRET, got[0]!.body, got[0]!.signature, Math.floor(Date.now() / 1000)), { ok: true });
    assert.equal(verifyWebhook('wrong-secret-0123456789', got[0]!.body, got[0]!.signature, Math.floor(Date.now() / 1000)).ok, false);
    const event = JSON.parse(got[0]!.body) as { id: string; type: string; request: { id: string; status: string; decisions: { actor: string }[] } };
    assert.deepEqual([event.id, event.type, event.request.status, event.request.decisions[0]!.actor], [eventId, 'approval.approved', 'approved', 'alice']);
    const shown = (await (await call('GET', `/api/v1/approvals/${filed.id}`, META)).json()) as Shown;
    assert.equal(shown.webhooks[0]!.status, 'delivered');
    assert.ok(shown.webhooks[0]!.attempts >= 4);
    const actions = shown.history.map((h) => h.action);
    assert.ok(actions.filter((a) => a === 'approval.webhook_attempt_failed').length >= 3);
    assert.equal(actions.filter((a) => a === 'approval.webhook_delivered').length, 1);
  });

  it('delivers one webhook per request when many are decided at once, each attempt recorded with its own request', async () => {
    const filed = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => (await (await file({ kind: 'meta.strategy.burst', title: `burst ${i}`, callbackUrl: receiver.url, payload: { i } })).json()) as Shown),
    );
    const decided = await Promise.all(
      filed.map((f) => call('POST', `/api/v1/approvals/${f.id}/decision`, TOKENS.approver, { decision: f.payloadHash.endsWith('0') ? 'reject' : 'approve', reason: 'burst', payloadHash: f.payloadHash })),
    );
    assert.ok(decided.every((res) => res.status === 200));
    const events = await Promise.all(
      filed.map(async (f) => {
        const shown = (await (await call('GET', `/api/v1/approvals/${f.id}`, META)).json()) as Shown;
        return `${f.id}.${shown.status}`;
      }),
    );
    await waitFor(() => events.every((id) => receiver.received.some((r) => r.eventId === id)), { what: 'every burst webhook' });
    const queue = ctx.deps.queues.get('approval-webhooks');
    await waitFor(async () => Object.values(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).every((n) => n === 0), { what: 'the webhook queue to drain' });
    for (const [i, f] of filed.entries()) {
      assert.equal(receiver.received.filter((r) => r.eventId === events[i]).length, 1, `one delivery of ${events[i]}`);
      const shown = (await (await call('GET', `/api/v1/approvals/${f.id}`, META)).json()) as Shown;
      assert.deepEqual(
        shown.webhooks.map((w) => [w.eventId, w.status, w.attempts]),
        [[events[i], 'delivered', 1]],
      );
      assert.equal(shown.history.filter((h) => h.action === 'approval.webhook_delivered').length, 1, `the delivery is in ${f.id}'s own history`);
    }
    const verdict = (await (await call('GET', '/api/v1/audit/verify', TOKENS.viewer)).json()) as { ok: boolean };
    assert.equal(verdict.ok, true);
  });

  it('sends a webhook for a cancelled request too', async () => {
    const filed = (await (await file({ kind: 'meta.strategy.cancel', title: 'withdraw me', callbackUrl: receiver.url })).json()) as Shown;
    assert.equal((await call('POST', `/api/v1/approvals/${filed.id}/cancel`, META)).status, 200);
    const got = await waitFor(() => receiver.received.find((r) => r.eventId === `${filed.id}.cancelled`), { what: 'the cancellation webhook' });
    assert.equal((JSON.parse(got.body) as { type: string }).type, 'approval.cancelled');
  });
});
