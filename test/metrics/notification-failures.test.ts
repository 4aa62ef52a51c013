import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { telegramJobId, telegramQueue } from '../../queues/telegram.js';
import { propose } from '../../src/approvals/propose.js';
import type { TestContext } from '../support/deps.js';
import type { FakeTelegram, RecordedCall } from '../support/fake-telegram.js';
import { startTelegramSystem, type TelegramSystem } from '../support/telegram-system.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';

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
