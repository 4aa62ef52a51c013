import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { materialise } from '../../src/campaigns/materialise.js';
import { batchWork, getCampaign } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { bearer, TOKENS } from '../support/tokens.js';

// A list audience's ids went to Postgres as one bind parameter each: past 65,535 (the protocol's
// 16-bit count) creating the campaign failed with a 500, though the API accepts 200,000 ids.
// Tenant filters took the same path. And every read of the campaign row (each batch job, the Ops
// agent's cycle, each progress poll) fetched and parsed the whole list: 0.3-0.5 s at 200,000 ids.
const USERS = 80_000;

describe('a list audience of more ids than a Postgres statement takes parameters', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let ids: string[];

  before(async () => {
    ctx = await createTestContext({ config: { ops: { enabled: false }, server: { bodyLimitBytes: 4_194_304 } } });
    app = createApp(ctx.deps);
    ids = await seedUsers(ctx.deps.db, USERS);
  });
  after(() => ctx.cleanup());

  const create = (audience: unknown) =>
    app.request('/api/v1/campaigns', {
      method: 'POST',
      headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'large list',
        audience,
        template: 'Hi {{user.name}}',
        channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
      }),
    });

  it('is created with its size and materialised to every listed user once', async () => {
    const listed = ids.filter((_, i) => i % 7 !== 3);
    assert.ok(listed.length > 65_535);
    const res = await create({ type: 'list', userIds: listed });
    const body = (await res.json()) as { id: string; audienceSize: number };
    assert.equal(res.status, 201, JSON.stringify(body).slice(0, 500));
    await startCampaign(ctx.deps, body.id, 'trace-large-list', 'olivia', { by: 'policy' });
    await materialise(ctx.deps, body.id, 'trace-large-list');
    const campaign = await getCampaign(ctx.deps.db, body.id);
    assert.equal(campaign?.materialised_count, listed.length);
    const rows = await ctx.deps.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', body.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(rows.n), listed.length);

    // What is read and shown of it while it runs: the list counted, never the ids.
    const work = await batchWork(ctx.deps.db, body.id, 0);
    assert.ok(work && work.pending.length > 0);
    assert.equal('audience' in work.campaign, false, "a batch job does not read the campaign's audience");
    const shown = await app.request(`/api/v1/campaigns/${body.id}`, { headers: bearer(TOKENS.operator) });
    assert.equal(shown.status, 200);
    const view = (await shown.json()) as { audience: unknown; audienceSize: number };
    assert.deepEqual(view.audience, { type: 'list', listed: listed.length });
    assert.equal(view.audienceSize, listed.length);
    const page = (await (await app.request('/api/v1/campaigns?limit=5', { headers: bearer(TOKENS.operator) })).json()) as {
      items: { id: string; audience: unknown }[];
    };
    assert.deepEqual(page.items.find((c) => c.id === body.id)?.audience, { type: 'list', listed: listed.length });
  });

  it("counts a list's per-recipient variables and shows none of them", async () => {
    const userIds = ids.slice(0, 3);
    const variables = Object.fromEntries(userIds.map((u) => [u, { link: `https://example.com/invite/${u}` }]));
    const res = await create({ type: 'list', userIds, variables });
    const body = (await res.json()) as { audience: unknown };
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.deepEqual(body.audience, { type: 'list', listed: 3, variables: '[3 recipients]' });
  });

  it('names the unknown ids of such a list, as of a short one', async () => {
    const res = await create({ type: 'list', userIds: [...ids, 'nobody-1', 'nobody-2'] });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(await res.json()), /nobody-1/);
  });

  it('takes a segment of more tenant ids than that', async () => {
    const tenantIds = [...Array.from({ length: USERS }, (_, i) => `missing-${i}`), 't3'];
    const res = await create({ type: 'segment', filters: { tenantIds } });
    const body = (await res.json()) as { audienceSize: number | null };
    assert.equal(res.status, 201, JSON.stringify(body).slice(0, 500));
    assert.equal(body.audienceSize, USERS / 10, 'the users of t3 (seedUsers spreads them over ten tenants)');
  });

  it("writes each listed user that is still a user once, with its own variables, chunk after chunk, though a whole chunk's users left", async () => {
    // Default chunks of 10,000: the second slice of the list is users deleted after its creation (last: it deletes them).
    const listed = ids.slice(0, 25_000);
    const variables = Object.fromEntries(listed.map((u) => [u, { link: `https://example.com/invite/${u}` }]));
    const res = await create({ type: 'list', userIds: [...listed].reverse(), variables });
    const { id } = (await res.json()) as { id: string };
    assert.equal(res.status, 201);
    const gone = listed.slice(10_000, 20_000);
    await ctx.deps.db.deleteFrom('users').where('id', '>=', gone[0]!).where('id', '<=', gone.at(-1)!).execute();
    await startCampaign(ctx.deps, id, 'trace-list-left', 'olivia', { by: 'policy' });
    const outcome = await materialise(ctx.deps, id, 'trace-list-left');
    assert.deepEqual(outcome, { recipients: 15_000, chunks: 3 });
    const rows = await ctx.deps.db.selectFrom('deliveries').select(['user_id', 'variables']).where('campaign_id', '=', id).orderBy('user_id').execute();
    assert.deepEqual(
      rows.map((r) => r.user_id),
      [...listed.slice(0, 10_000), ...listed.slice(20_000)],
    );
    for (const r of rows) assert.deepEqual(r.variables, variables[r.user_id], r.user_id);
  });
});
