import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';

describe('campaign delivery', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const downstream = new TestDownstream(SECRET);

  const call = (method: string, path: string, body?: unknown, token: string = TOKENS.operator) =>
    app.request(path, body === undefined ? { method, headers: bearer(token) } : { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const campaignBody = (overrides: Record<string, unknown> = {}) => ({
    name: 'Spring nudge',
    audience: { type: 'segment', filters: {} },
    template: 'Hi {{user.name}}, you earned {{reward.amount}} {{reward.mechanism}} at {{tenant.name}}',
    reward: { mechanism: 'none', amount: 0 },
    channel: { url: downstream.url, secret: SECRET, mode: 'batch', maxBatch: 100 },
    ...overrides,
  });

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { campaigns: { reconcileEverySec: 3600 } } });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 10_000);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
    await downstream.stop();
  });

  it('delivers a 10,000-recipient campaign to completion, recording every recipient exactly once', async () => {
    const created = await call('POST', '/api/v1/campaigns', campaignBody());
    assert.equal(created.status, 201, await created.clone().text());
    const campaign = (await created.json()) as { id: string; audienceSize: number; channel: { secret: string } };
    assert.equal(campaign.audienceSize, 10_000);
    assert.equal(campaign.channel.secret, '[redacted]');
    assert.equal((await call('PUT', `/api/v1/campaigns/${campaign.id}/limits`, { concurrency: 16 })).status, 200);
    const launched = await call('POST', `/api/v1/campaigns/${campaign.id}/launch`);
    const launchOutcome = (await launched.json()) as { outcome: string };
    assert.equal(launchOutcome.outcome, 'applied', JSON.stringify(launchOutcome));
    const done = await waitFor(async () => {
      const res = await call('GET', `/api/v1/campaigns/${campaign.id}`, undefined, TOKENS.viewer);
      const body = (await res.json()) as { status: string; progress: { delivered: number; remaining: number; failed: number } };
      return body.status === 'completed' ? body : undefined;
    }, { timeoutMs: 120_000, what: 'campaign completion' });
    assert.deepEqual({ delivered: done.progress.delivered, remaining: done.progress.remaining, failed: done.progress.failed }, { delivered: 10_000, remaining: 0, failed: 0 });
    const rows = await ctx.deps.db.selectFrom('deliveries').select(['user_id', 'status', 'attempts']).where('campaign_id', '=', campaign.id).execute();
    assert.equal(rows.length, 10_000);
    assert.equal(new Set(rows.map((r) => r.user_id)).size, 10_000);
    assert.ok(rows.every((r) => r.status === 'delivered' && r.attempts === 1));
    const keys = [...downstream.seen.entries()].filter(([key]) => key.startsWith(campaign.id));
    assert.equal(keys.length, 10_000);
    assert.ok(keys.every(([, n]) => n === 1), 'the downstream saw each recipient once');
    assert.equal(downstream.badSignatures, 0);
    assert.ok(downstream.maxInFlight <= 16, `max in flight ${downstream.maxInFlight}`);
  });

  it("fills a message from the recipient's user and tenant at sending, and from a list audience's own values, which delivery rows alone keep", async () => {
    const userIds = ['u00001', 'u00002', 'u00003'];
    const created = await call(
      'POST',
      '/api/v1/campaigns',
      campaignBody({
        name: 'Invitations',
        audience: { type: 'list', userIds, variables: { u00002: { 'invite.link': 'https://example.com/i/2' } } },
        template: 'Hi {{user.name}} ({{user.email}}, {{user.id}}) of {{tenant.name}} ({{tenant.id}}): {{invite.link}}',
      }),
    );
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    assert.equal(((await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string }).outcome, 'applied');
    await waitFor(async () => ((await (await call('GET', `/api/v1/campaigns/${id}`)).json()) as { status: string }).status === 'completed', { timeoutMs: 60_000, what: 'completion' });
    const texts = new Map(downstream.messages.filter((m) => String(m.idempotencyKey).startsWith(`${id}:`)).map((m) => [m.userId, m.text]));
    assert.deepEqual(Object.fromEntries(texts), {
      u00001: 'Hi User u00001 (u00001@example.com, u00001) of Tenant 1 (t1): ',
      u00002: 'Hi User u00002 (u00002@example.com, u00002) of Tenant 2 (t2): https://example.com/i/2',
      u00003: 'Hi User u00003 (u00003@example.com, u00003) of Tenant 3 (t3): ',
    });
    const rows = await ctx.deps.db.selectFrom('deliveries').select(['user_id', 'variables']).where('campaign_id', '=', id).orderBy('user_id').execute();
    assert.deepEqual(
      rows.map((r) => r.variables),
      [{}, { 'invite.link': 'https://example.com/i/2' }, {}],
      'a delivery row keeps only what its recipient has of their own',
    );
  });

  it('rejects invalid campaign input with 400 and creates nothing', async () => {
    const before = await ctx.deps.db.selectFrom('campaigns').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const cases: [Record<string, unknown>, string][] = [
      [campaignBody({ channel: { url: 'ftp://example.com/x', secret: SECRET } }), 'json.channel.url'],
      [campaignBody({ channel: { url: 'not a url', secret: SECRET } }), 'json.channel.url'],
      [campaignBody({ audience: { type: 'list', userIds: [] } }), 'json.audience.userIds'],
      [campaignBody({ audience: { type: 'segment', filters: { tenantIds: ['no-such-tenant'] } } }), 'json.audience'],
      [campaignBody({ audience: { type: 'list', userIds: ['u00001', 'ghost'] } }), 'json.audience.userIds'],
      [campaignBody({ template: 'Hello {{user.shoeSize}}' }), 'json.template'],
      [campaignBody({ reward: { mechanism: 'cash', amount: 5 } }), 'json.reward.mechanism'],
      [campaignBody({ channel: { url: downstream.url, secret: 'short' } }), 'json.channel.secret'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/api/v1/campaigns', body);
      assert.equal(res.status, 400, `${field}: ${await res.clone().text()}`);
      const error = ((await res.json()) as { error: { field: string; message: string } }).error;
      assert.equal(error.field, field, error.message);
    }
    assert.equal((await call('POST', '/api/v1/campaigns', campaignBody(), TOKENS.viewer)).status, 403);
    const afterCount = await ctx.deps.db.selectFrom('campaigns').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n));
  });
});
