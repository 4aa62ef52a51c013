import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { telegramJobId, telegramQueue } from '../../queues/telegram.js';
import { type Proposal, propose } from '../../src/approvals/propose.js';
import { manualClock } from '../../src/clock.js';
import { createTelegramApi } from '../../src/telegram/api.js';
import { resendOwed } from '../../src/telegram/resend.js';
import { retryDelayMs } from '../../src/telegram/retry.js';
import type { TestContext } from '../support/deps.js';
import type { FakeTelegram, RecordedCall } from '../support/fake-telegram.js';
import { startTelegramSystem, type TelegramSystem } from '../support/telegram-system.js';
import { login } from '../support/session.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';

// Long enough that a job waiting out its backoff is still waiting when the test looks; the test brings
// it forward (promote) instead of sleeping, as time passing would.
const DELIVERY = { attempts: 3, backoffMs: 60_000, backoffMaxMs: 90_000, resendEverySec: 3600 };

/** BullMQ stores the delay as the wanted time less its own now: a few milliseconds short. */
const assertAbout = (delay: number, wanted: number) => assert.ok(delay <= wanted && delay > wanted - 1000, `delay ${delay}, wanted ${wanted}`);

describe('Telegram outage (issue 10, defect 8)', () => {
  let system: TelegramSystem;
  let ctx: TestContext;
  let app: TelegramSystem['app'];
  let telegram: FakeTelegram;
  const clock = manualClock(new Date());

  const proposeLaunch = async (name: string) => {
    const proposal: Proposal = {
      kind: 'campaign.launch',
      proposer: 'growth',
      params: { name, audienceSize: 12_000, budget: 100 },
      traceId: `trace-${name}`,
      summary: `Launch ${name}`,
    };
    const outcome = await propose(ctx.deps, proposal);
    assert.ok(outcome.outcome === 'approval_requested');
    return outcome.request;
  };
  const about = (text: string) => (c: RecordedCall) => c.method === 'sendMessage' && String(c.params.text).includes(text);
  const sends = (id: string) => telegram.calls.filter(about(id));
  const delivered = (id: string) => sends(id).filter((c) => c.answered === 200);
  const notifyJob = async (id: string) => {
    const job = await ctx.deps.queues.get(telegramQueue.name).getJob(telegramJobId('notify', id));
    assert.ok(job, 'the notify job exists');
    return job;
  };
  const stateOf = async (id: string) => (await notifyJob(id)).getState();
  const waitForState = (id: string, state: string, attempts: number) =>
    waitFor(async () => ((await stateOf(id)) === state && sends(id).length === attempts ? true : undefined), { what: `${attempts} attempts, then ${state}` });
  const messageRows = async (id: string) => ctx.deps.db.selectFrom('telegram_messages').selectAll().where('request_id', '=', id).execute();

  before(async () => {
    system = await startTelegramSystem({ clock, telegram: { approverChats: [1001], delivery: DELIVERY } });
    ({ ctx, app, telegram } = system);
  });
  after(() => system.stop());

  it('retries with a doubling, capped backoff and a bounded number of attempts', () => {
    assert.deepEqual(
      [1, 2, 3].map((attempt) => retryDelayMs(attempt, { ...DELIVERY, attempts: 4 })),
      [60_000, 90_000, 90_000],
    );
    assert.equal(retryDelayMs(4, { ...DELIVERY, attempts: 4 }), null);
  });

  it('gives a failing message job back so the queue sends other requests meanwhile', async () => {
    const restore = telegram.failWhile('dropped', about('Launch stuck-one'));
    const stuck = await proposeLaunch('stuck-one');
    // The first attempt hit a dropped connection: the job waits out its backoff in the delayed set, not in the worker.
    await waitForState(stuck.id, 'delayed', 1);
    assertAbout((await notifyJob(stuck.id)).delay, DELIVERY.backoffMs);

    const other = await proposeLaunch('meanwhile');
    await waitFor(() => (delivered(other.id).length === 1 ? true : undefined), { what: 'the other request sent while the first waits' });
    assert.equal(await stateOf(stuck.id), 'delayed');
    assert.equal(sends(stuck.id).length, 1);

    // Telegram answers again: the sweep brings the waiting job forward, and it is sent once.
    restore();
    const outcome = await resendOwed(ctx.deps, createTelegramApi(ctx.deps.config.telegram));
    assert.equal(outcome.promoted, 1, JSON.stringify(outcome));
    await waitFor(async () => ((await messageRows(stuck.id)).length === 1 ? true : undefined), { what: 'the stuck request sent after the outage' });
    assert.equal(delivered(stuck.id).length, 1);
  });

  it('fails a job whose attempts ran out, keeps the request on the dashboard, and sends it exactly once when Telegram is back', async () => {
    const restore = telegram.failWhile('dropped');
    const request = await proposeLaunch('outage');
    await waitForState(request.id, 'delayed', 1);
    await (await notifyJob(request.id)).promote();
    await waitForState(request.id, 'delayed', 2);
    assertAbout((await notifyJob(request.id)).delay, Math.min(DELIVERY.backoffMaxMs, DELIVERY.backoffMs * 2));
    await (await notifyJob(request.id)).promote();
    // Bounded: the third attempt was the last; the job failed and holds nothing.
    await waitForState(request.id, 'failed', DELIVERY.attempts);

    // The request is still there for the console channel, pending.
    const api = await app.request(`/api/v1/approvals/${request.id}`, { headers: bearer(TOKENS.viewer) });
    assert.equal(api.status, 200);
    assert.equal(((await api.json()) as { status: string }).status, 'pending');
    const session = await login(app, TOKENS.viewer);
    const page = await app.request('http://localhost/dashboard/approvals', { headers: { cookie: session.cookie } });
    assert.equal(page.status, 200);
    assert.ok((await page.text()).includes(request.id.slice(0, 8)), 'the pending page lists the request');

    // The sweep while Telegram is still down probes it and re-queues nothing.
    const whileDown = await resendOwed(ctx.deps, createTelegramApi(ctx.deps.config.telegram));
    assert.equal(whileDown.telegramDown, true);
    assert.equal(await stateOf(request.id), 'failed');
    assert.equal(sends(request.id).length, DELIVERY.attempts);

    // Telegram is back: the scheduled sweep (run here as its job) retries the failed job; one message arrives.
    restore();
    await ctx.deps.queues.enqueue(telegramQueue, 'resend', {});
    await waitFor(async () => ((await stateOf(request.id)) === 'completed' ? true : undefined), { what: 'the notification after the outage' });
    assert.equal(delivered(request.id).length, 1);
    const rows = await messageRows(request.id);
    assert.deepEqual(
      rows.map((r) => [Number(r.chat_id), r.purpose]),
      [[1001, 'request']],
    );

    // Another sweep finds nothing owed for it: no second message.
    assert.deepEqual(await resendOwed(ctx.deps, createTelegramApi(ctx.deps.config.telegram)), { owed: 0 });
    assert.equal(delivered(request.id).length, 1);
  });

  it('re-queues a message job that Redis lost', async () => {
    const request = await proposeLaunch('lost');
    await waitFor(async () => ((await stateOf(request.id)) === 'completed' ? true : undefined));
    assert.equal(delivered(request.id).length, 1);
    // Lost before it ran (Redis flushed between commit and send): no message row, no job.
    await ctx.deps.db.deleteFrom('telegram_messages').where('request_id', '=', request.id).execute();
    await (await notifyJob(request.id)).remove();
    const outcome = await resendOwed(ctx.deps, createTelegramApi(ctx.deps.config.telegram));
    assert.equal(outcome.added, 1, JSON.stringify(outcome));
    await waitFor(async () => ((await messageRows(request.id)).length === 1 ? true : undefined), { what: 'the re-queued message' });
    assert.equal(delivered(request.id).length, 2);
  });

  it('is scheduled when Telegram is on', () => {
    const spec = telegramQueue.schedule?.(ctx.deps.config);
    assert.deepEqual(spec, { everyMs: DELIVERY.resendEverySec * 1000, jobName: 'resend' });
  });
});
