import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RedisClient as Redis } from '../../src/redis/connect.js';
import { createApp } from '../../src/api/app.js';
import { recordDecision } from '../../src/approvals/record-decision.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import { connectRedis } from '../../src/redis/connect.js';
import { type RunningWorkers, selectWorkers, startWorkers } from '../../workers/start.js';
import { CaptureDownstream } from '../support/capture-downstream.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { GENEROUS_LAUNCH_BUDGET } from '../support/policy.js';
import { FakeTelegram } from '../support/fake-telegram.js';
import { seedUsers } from '../support/seed-users.js';
import { materialised } from '../support/materialised.js';
import { markDeliveredAt, simulateConversions } from '../support/synthetic-events.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'downstream-secret-0123456789';

describe('reward proposals through approval', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let connection: Redis;
  const running: RunningWorkers[] = [];
  const downstream = new CaptureDownstream();
  const telegram = new FakeTelegram();
  const call = (method: string, path: string, body?: unknown, token: string = TOKENS.operator, headers: Record<string, string> = {}) =>
    app.request(path, { method, headers: { ...bearer(token), ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  before(async () => {
    await downstream.start();
    await telegram.start();
    ctx = await createTestContext({
      config: {
        ...GENEROUS_LAUNCH_BUDGET,
        campaigns: { reconcileEverySec: 3600 },
        telegram: { enabled: true, botToken: '123:TEST', webhookSecret: 'hook-secret-123', apiRoot: telegram.apiRoot, approverChats: [1001] },
      },
    });
    app = createApp(ctx.deps);
    connection = await connectRedis(ctx.deps.redisTarget, 'worker', () => {});
    // Deliveries wait: the first half is "sent" by hand, the rest only after the reward changed.
    running.push(startWorkers(ctx.deps, connection, selectWorkers('approvals,approval-expiry,telegram,growth-analysis')));
  });
  after(async () => {
    for (const workers of running) await workers.close(5000);
    await connection.quit();
    await ctx.cleanup();
    await downstream.stop();
    await telegram.stop();
  });

  it('turns an over-guardrail raise into a dual-channel request, and once approved the next deliveries carry the new reward, audited from analysis to change under one trace id', async () => {
    const users = await seedUsers(ctx.deps.db, 4000, 10, 'r');
    const created = await call('POST', '/api/v1/campaigns', {
      name: 'Referral push',
      audience: { type: 'list', userIds: users },
      template: 'Invite a friend: {{reward.amount}} {{reward.mechanism}}',
      channel: { url: downstream.url, secret: SECRET, mode: 'batch', maxBatch: 100 },
    });
    const campaignId = ((await created.json()) as { id: string }).id;
    const experiment = await call('POST', `/api/v1/campaigns/${campaignId}/experiment`, {
      key: 'referral-bonus',
      goalEvent: 'purchase',
      control: { name: 'control', mechanism: 'points', amount: 10, weight: 1 },
      variants: [{ name: 'bonus', mechanism: 'referral_bonus', amount: 10, weight: 1 }],
      minSamplePerArm: 500,
    });
    assert.equal(experiment.status, 201, await experiment.clone().text());
    assert.equal(((await (await call('POST', `/api/v1/campaigns/${campaignId}/launch`)).json()) as { outcome: string }).outcome, 'applied');
    await materialised(ctx.deps, campaignId);

    // Half the campaign went out two hours ago; the bonus arm converts clearly better.
    const sentAt = new Date(Date.now() - 2 * 3600_000);
    await markDeliveredAt(ctx.deps.db, campaignId, Array.from({ length: 20 }, (_, i) => i), sentAt);
    await simulateConversions(ctx.deps.db, { campaignId, rates: { control: 0.1, bonus: 0.18 }, rng: mulberry32(11), goal: 'purchase', revenue: 25, spreadMs: 3600_000, idPrefix: 'bonus' });

    const triggered = await call('POST', '/api/v1/jobs/growth-analysis', undefined, TOKENS.operator, { 'x-trace-id': 'trace-growth-reward-1' });
    const { id: jobId, traceId } = (await triggered.json()) as { id: string; traceId: string };
    assert.equal(traceId, 'trace-growth-reward-1');
    await waitFor(async () => {
      const body = (await (await call('GET', `/api/v1/jobs/growth-analysis/${jobId}`)).json()) as { state: string; failedReason: string | null };
      if (body.state === 'failed') throw new Error(body.failedReason ?? 'failed');
      return body.state === 'completed';
    }, { what: 'the growth analysis job' });

    const requests = (await (await call('GET', `/api/v1/approvals?trace=${traceId}`, undefined, TOKENS.viewer)).json()) as { items: { id: string; kind: string; priority: string; requiredChannels: string[]; status: string }[] };
    const request = requests.items.find((r) => r.kind === 'reward.adjust');
    assert.ok(request, JSON.stringify(requests));
    assert.equal(request.priority, 'high', 'a 20% raise is twice the 10% guardrail');
    assert.deepEqual(request.requiredChannels, ['console', 'telegram']);
    const detail = (await (await call('GET', `/api/v1/approvals/${request.id}`, undefined, TOKENS.viewer)).json()) as { payloadHash: string; payload: { arm: string; from: number; to: number; percentChange: number } };
    assert.deepEqual({ arm: detail.payload.arm, from: detail.payload.from, to: detail.payload.to, percentChange: detail.payload.percentChange }, { arm: 'bonus', from: 10, to: 12, percentChange: 20 });
    const pendingBefore = await ctx.deps.db.selectFrom('deliveries').select('reward').where('campaign_id', '=', campaignId).where('arm', '=', 'bonus').where('status', '=', 'pending').execute();
    assert.ok(pendingBefore.length > 0 && pendingBefore.every((d) => d.reward.amount === 10), 'nothing changes before approval');

    const first = await call('POST', `/api/v1/approvals/${request.id}/decision`, { decision: 'approve', reason: 'worth it', payloadHash: detail.payloadHash }, TOKENS.approver);
    assert.equal(((await first.json()) as { status: string }).status, 'pending', 'high priority waits for the second channel');
    const second = await recordDecision(ctx.deps, request.id, { channel: 'telegram', actor: 'bob', actorRoles: ['approver'], decision: 'approve', reason: '', payloadHash: detail.payloadHash });
    assert.equal(second.status, 'approved');

    const changed = await waitFor(async () => {
      const body = (await (await call('GET', `/api/v1/campaigns/${campaignId}/experiment`, undefined, TOKENS.viewer)).json()) as { arms: { name: string; amount: number }[] };
      return body.arms.find((a) => a.name === 'bonus')?.amount === 12 ? body : undefined;
    }, { what: 'the approved reward to apply' });
    assert.equal(changed.arms.find((a) => a.name === 'control')?.amount, 10);
    const rows = await ctx.deps.db.selectFrom('deliveries').select(['arm', 'status', 'reward']).where('campaign_id', '=', campaignId).execute();
    assert.ok(rows.filter((d) => d.arm === 'bonus' && d.status === 'pending').every((d) => d.reward.amount === 12), 'pending bonus deliveries carry the new reward');
    assert.ok(rows.filter((d) => d.status === 'delivered').every((d) => d.reward.amount === 10), 'users already reached keep what they were sent');

    // The rest of the campaign goes out now: the bonus arm's messages carry 12.
    running.push(startWorkers(ctx.deps, connection, selectWorkers('deliveries,campaigns')));
    await waitFor(async () => ((await (await call('GET', `/api/v1/campaigns/${campaignId}`)).json()) as { status: string }).status === 'completed', { timeoutMs: 60_000, what: 'campaign completion' });
    const bonusMessages = downstream.messages.filter((m) => m.arm === 'bonus');
    assert.ok(bonusMessages.length > 500);
    assert.ok(bonusMessages.every((m) => m.reward.amount === 12 && m.text === 'Invite a friend: 12 referral_bonus'), JSON.stringify(bonusMessages[0]));
    assert.ok(downstream.messages.filter((m) => m.arm === 'control').every((m) => m.reward.amount === 10));

    const audit = (await (await call('GET', `/api/v1/audit?trace=${traceId}`, undefined, TOKENS.viewer)).json()) as { items: { seq: number; action: string; subjectId: string; data: Record<string, unknown> }[] };
    const actions = audit.items.map((e) => e.action);
    const chain = ['growth.analysed', 'growth.proposed', 'approval.requested', 'approval.decision', 'approval.approved', 'experiment.reward_changed', 'action.applied'];
    let at = -1;
    for (const step of chain) {
      const next = actions.indexOf(step, at + 1);
      assert.ok(next > at, `${step} after position ${at} in ${actions.join(', ')}`);
      at = next;
    }
    assert.equal(actions.filter((a) => a === 'approval.decision').length, 2);
    const change = audit.items.find((e) => e.action === 'experiment.reward_changed')!;
    assert.deepEqual({ from: change.data.from, to: change.data.to, approval: change.data.approval }, { from: 10, to: 12, approval: request.id });
  });
});
