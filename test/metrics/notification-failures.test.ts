import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { telegramJobId, telegramQueue } from '../../queues/telegram.js';
import { createApp } from '../../src/api/app.js';
import { propose } from '../../src/approvals/propose.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import type { FakeTelegram, RecordedCall } from '../support/fake-telegram.js';
import { startTelegramSystem, type TelegramSystem } from '../support/telegram-system.js';
import { AGENT_TOKENS, bearer, externalClientTokens, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

// A failed attempt waits a minute before the next: the test brings it forward (promote) instead.
const DELIVERY = { attempts: 3, backoffMs: 60_000, backoffMaxMs: 60_000, resendEverySec: 3600 };
const FIRST_CHAT = 1001;
const REFUSING_CHAT = 1002;

describe('notification failures on /metrics, from real Bot API calls', () => {
  let system: TelegramSystem;
  let ctx: TestContext;
  let telegram: FakeTelegram;
  const scrape = async () => (await system.app.request('/metrics', { headers: bearer(TOKENS.viewer) })).text();
  const telegramFailures = async () => Number((await scrape()).match(/^flywheel_notification_failures_total\{channel="telegram"\} (\S+)/m)?.[1]);

  before(async () => {
    system = await startTelegramSystem({ telegram: { approverChats: [FIRST_CHAT, REFUSING_CHAT], delivery: DELIVERY } });
    ({ ctx, telegram } = system);
  });
  after(() => system.stop());

  it('counts a send Telegram answered with a 502 (retried later) and one a chat refused for good, not the sends that went through', async () => {
    const sendTo = (chat: number) => (c: RecordedCall) =>
      c.method === 'sendMessage' && Number(c.params.chat_id) === chat && String(c.params.text).includes('notify-fails');
    const answers = (chat: number) => telegram.calls.filter(sendTo(chat)).map((c) => c.answered);
    const before = await telegramFailures();
    const endOutage = telegram.failWhile(502, sendTo(FIRST_CHAT));
    const endRefusal = telegram.failWhile(400, sendTo(REFUSING_CHAT));
    try {
      const outcome = await propose(ctx.deps, {
        kind: 'campaign.launch',
        proposer: 'growth',
        params: { name: 'notify-fails', audienceSize: 12_000, budget: 100 },
        traceId: 'trace-notify-fails',
        summary: 'Launch notify-fails',
      });
      assert.equal(outcome.outcome, 'approval_requested');
      if (outcome.outcome !== 'approval_requested') return;
      const job = async () => (await ctx.deps.queues.get(telegramQueue.name).getJob(telegramJobId('notify', outcome.request.id)))!;

      // First attempt: the first chat's send gets a 502, so the job is given back to wait out its backoff.
      await waitFor(async () => answers(FIRST_CHAT).length === 1 && (await (await job()).getState()) === 'delayed', { what: 'the first attempt to fail' });
      assert.deepEqual(answers(FIRST_CHAT), [502]);
      assert.equal(await telegramFailures(), before + 1);

      // Telegram is back for the first chat; the second refuses for good (400): the job completes with one refusal.
      endOutage();
      await (await job()).promote();
      await waitFor(async () => (await (await job()).getState()) === 'completed', { what: 'the second attempt' });
      assert.deepEqual(answers(FIRST_CHAT), [502, 200]);
      assert.deepEqual(answers(REFUSING_CHAT), [400]);
      assert.equal(await telegramFailures(), before + 2);
    } finally {
      endOutage();
      endRefusal();
    }
  });
});

describe('webhook notification failures on /metrics, from real deliveries', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let receiver: Server;
  let hookUrl = '';
  const answered: number[] = [];
  const webhookFailures = async () => {
    const text = await (await app.request('/metrics', { headers: bearer(TOKENS.viewer) })).text();
    return Number(text.match(/^flywheel_notification_failures_total\{channel="webhook"\} (\S+)/m)?.[1]);
  };

  before(async () => {
    // An outside proposer's receiver that is down: every delivery gets a 500.
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        answered.push(500);
        res.writeHead(500).end('down');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    ctx = await createTestContext({
      config: {
        auth: { tokens: externalClientTokens({ metaWebhookSecret: 'whsec-meta-0123456789abcdef' }) },
        approvals: { webhooks: { backoffMs: 50, backoffMaxMs: 100, maxAttempts: 3, timeoutMs: 2000 } },
      },
    });
    app = createApp(ctx.deps);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("counts each delivery of a decided request's outcome the receiver refused, up to the last attempt", async () => {
    const call = (path: string, token: string, body: unknown) =>
      app.request(path, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const before = await webhookFailures();
    const filed = await call('/api/v1/approvals', AGENT_TOKENS.meta, {
      kind: 'meta.strategy.hook',
      title: 'tell me',
      callbackUrl: hookUrl,
      payload: { plan: 'b' },
    });
    assert.equal(filed.status, 201, await filed.clone().text());
    const request = (await filed.json()) as { id: string; payloadHash: string };
    const decided = await call(`/api/v1/approvals/${request.id}/decision`, TOKENS.approver, {
      decision: 'approve',
      reason: 'ok',
      payloadHash: request.payloadHash,
    });
    assert.equal(decided.status, 200, await decided.clone().text());

    const row = () => ctx.deps.db.selectFrom('approval_webhooks').select(['status', 'attempts']).where('request_id', '=', request.id).executeTakeFirst();
    await waitFor(async () => (await row())?.status === 'failed', { what: 'the webhook to give up after its attempts' });
    assert.deepEqual(await row(), { status: 'failed', attempts: 3 });
    assert.deepEqual(answered, [500, 500, 500]);
    assert.equal(await webhookFailures(), before + 3);
  });
});
