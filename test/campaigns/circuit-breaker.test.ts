import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { approvalList } from '../../src/approvals/read.js';
import { recordDecision } from '../../src/approvals/record-decision.js';
import { downstreamOf } from '../../src/campaign-runtime/keys.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { getCampaign } from '../../src/campaigns/store.js';
import type { TestContext } from '../support/deps.js';
import { DOWNSTREAM_SECRET, type DeliveringSystem, startDeliveringSystem } from '../support/delivering-system.js';
import type { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';

/**
 * A circuit that, once open, would hold for 20 s: the campaign must go on when it is resumed,
 * not when the hold runs out (it did before the hold was fleet-wide and a resume ended it).
 */
const LONG_HOLD = { campaigns: { breaker: { openMs: 20_000, maxOpenMs: 20_000 } } };
const RECIPIENTS = 50;

async function rows(ctx: TestContext, campaignId: string) {
  return ctx.deps.db.selectFrom('deliveries').select(['status', 'attempts']).where('campaign_id', '=', campaignId).execute();
}

/** Sends arriving from `since` on. */
const sendsSince = (downstream: TestDownstream, since: number) => downstream.sendArrivals.filter((t) => t >= since);

async function launchFailing(system: DeliveringSystem, name: string) {
  const input = campaignInputSchema.parse({
    name,
    audience: { type: 'segment', filters: {} },
    template: 'Hello {{user.name}}',
    channel: { url: system.downstream.url, secret: DOWNSTREAM_SECRET, timeoutMs: 1000 },
    maxAttempts: 3,
  });
  const campaign = await createCampaign(system.ctx.deps, input, 'olivia', `trace-${name}`);
  // Every request fails within a millisecond, from the first.
  system.downstream.failWith = { status: 500 };
  await system.start({ id: campaign.id, name });
  const first = await waitFor(() => system.downstream.refusedAt[0], { timeoutMs: 30_000, what: 'the first failure' });
  return { id: campaign.id, first };
}

describe('a fast-failing downstream, with the Ops agent watching', () => {
  let system: DeliveringSystem;
  let ctx: TestContext;
  let downstream: TestDownstream;

  before(async () => {
    system = await startDeliveringSystem({ users: RECIPIENTS, config: LONG_HOLD });
    ({ ctx, downstream } = system);
  });
  after(() => system.stop());

  it('stops sending within a second, is auto-paused with no delivery dead-lettered, and sends again within about a second of an approved resume', async (t) => {
    const { id, first } = await launchFailing(system, 'fast-failing');
    const paused = await waitFor(
      async () => {
        const c = await getCampaign(ctx.deps.db, id);
        return c?.status === 'paused' ? c : undefined;
      },
      { timeoutMs: 30_000, what: 'the auto-pause' },
    );
    assert.match(paused.status_reason ?? '', /^auto-pause: .*error rate/);
    const pausedAt = new Date(paused.updated_at).getTime();
    t.diagnostic(
      `${downstream.sendArrivals.length} sends in all, the last ${downstream.sendArrivals.at(-1)! - first} ms after the first failure; auto-paused ${pausedAt - first} ms after it`,
    );
    const late = sendsSince(downstream, first + 1000).length;
    assert.equal(late, 0, `${late} sends more than a second after the first failure (${downstream.sendArrivals.length} in all)`);
    const before = await rows(ctx, id);
    assert.equal(before.filter((r) => r.status === 'dead').length, 0, 'nothing dead-lettered');
    assert.ok(Math.max(...before.map((r) => r.attempts)) <= 1, 'no delivery tried twice while the downstream failed');

    downstream.failWith = null;
    // Healthy Ops probes end the hold (for every campaign sending there) and ask to resume.
    const request = await waitFor(async () => (await approvalList(ctx.deps, { status: ['pending'], kind: 'campaign.resume', limit: 5, offset: 0 })).items[0], {
      timeoutMs: 30_000,
      what: 'a resume approval request',
    });
    assert.equal((await ctx.deps.runtime.downstreamHold(downstreamOf(downstream.url))).waitMs, 0, 'a healthy probe ended the hold');
    const hash = (await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', request.id).executeTakeFirstOrThrow()).payload_hash;
    await recordDecision(ctx.deps, request.id, {
      channel: 'console',
      actor: 'alice',
      actorRoles: ['approver'],
      decision: 'approve',
      reason: 'recovered',
      payloadHash: hash,
    });
    await waitFor(async () => (await getCampaign(ctx.deps.db, id))?.status === 'running', { timeoutMs: 20_000, what: 'the approved resume' });
    const resumedAt = (
      await ctx.deps.db.selectFrom('audit_log').select('at').where('subject_id', '=', id).where('action', '=', 'campaign.resumed').executeTakeFirstOrThrow()
    ).at;
    const resumed = new Date(resumedAt).getTime();
    const firstSend = await waitFor(() => sendsSince(downstream, resumed)[0], { timeoutMs: 20_000, what: 'a send after the resume' });
    t.diagnostic(`first send ${firstSend - resumed} ms after the approved resume`);
    assert.ok(firstSend - resumed < 1500, `first send ${firstSend - resumed} ms after the resume`);

    await waitFor(async () => (await getCampaign(ctx.deps.db, id))?.status === 'completed', { timeoutMs: 60_000, what: 'completion' });
    const done = await rows(ctx, id);
    assert.deepEqual([done.length, done.filter((r) => r.status === 'delivered').length], [RECIPIENTS, RECIPIENTS]);
    assert.ok(Math.max(...done.map((r) => r.attempts)) <= 3, 'attempts counted per delivery, never past maxAttempts');
  });
});

describe('a campaign held by an open circuit, without the Ops agent', () => {
  let system: DeliveringSystem;
  let ctx: TestContext;
  let downstream: TestDownstream;
  let app: ReturnType<typeof createApp>;
  const call = (method: string, path: string) => app.request(path, { method, headers: bearer(TOKENS.operator) });

  before(async () => {
    system = await startDeliveringSystem({ users: RECIPIENTS, config: { ...LONG_HOLD, ops: { enabled: false } } });
    ({ ctx, downstream } = system);
    app = createApp(ctx.deps);
  });
  after(() => system.stop());

  it("is held, not dead-lettered; an operator's pause and resume ends the hold everywhere and the first send goes at once, as the probe", async (t) => {
    const { id, first } = await launchFailing(system, 'held');
    const host = downstreamOf(downstream.url);
    await waitFor(async () => (await ctx.deps.runtime.downstreamHold(host)).circuit === 'open', { what: 'the circuit to open' });
    downstream.failWith = null;
    // Recovered, but the circuit would hold every worker's sends for 20 s more.
    const hold = await ctx.deps.runtime.downstreamHold(host);
    assert.ok(hold.waitMs > 10_000, `held ${hold.waitMs} ms more`);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'running', 'held, not paused');
    assert.equal(sendsSince(downstream, first + 1000).length, 0, 'nothing sent while held');
    assert.equal((await rows(ctx, id)).filter((r) => r.status === 'dead').length, 0, 'nothing dead-lettered');

    assert.equal((await call('POST', `/api/v1/campaigns/${id}/pause`)).status, 200);
    const resumed = Date.now();
    assert.equal((await call('POST', `/api/v1/campaigns/${id}/resume`)).status, 200);
    const firstSend = await waitFor(() => sendsSince(downstream, resumed)[0], { timeoutMs: 20_000, what: 'a send after the resume' });
    t.diagnostic(
      `${sendsSince(downstream, 0).length - sendsSince(downstream, resumed).length} sends before the resume; first send ${firstSend - resumed} ms after it`,
    );
    assert.ok(firstSend - resumed < 1500, `first send ${firstSend - resumed} ms after the resume`);
    await waitFor(async () => (await getCampaign(ctx.deps.db, id))?.status === 'completed', { timeoutMs: 60_000, what: 'completion' });
    assert.equal((await ctx.deps.runtime.downstreamHold(host)).circuit, 'closed', "the probe's success closed the circuit");
    const done = await rows(ctx, id);
    assert.equal(done.filter((r) => r.status === 'delivered').length, RECIPIENTS);
  });
});
