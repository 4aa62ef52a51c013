import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { bearer, TOKENS } from '../support/tokens.js';

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  tenantId: 't1',
  userId: 'u1',
  type: 'report.exported',
  time: '2026-11-20T10:00:00Z',
  properties: { feature: 'export', rows: 12 },
  ...extra,
});

describe('ingestion API', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;

  const post = async (path: string, body: unknown, token: string = TOKENS.operator) => {
    const res = await app.request(path, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const eventCount = async () => Number((await ctx.deps.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  before(async () => {
    ctx = await createTestContext();
    app = createApp(ctx.deps);
  });
  after(async () => {
    await ctx.cleanup();
  });

  it('stores a batch of events and stores a resent event id only once', async () => {
    const first = await post('/api/v1/events', { events: [event('e1'), event('e2'), event('e3', { userId: null })] });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { received: 3, stored: 3, duplicates: 0 });
    const resent = await post('/api/v1/events', { events: [event('e2'), event('e4'), event('e4'), event('e1', { type: 'changed' })] });
    assert.equal(resent.status, 200);
    assert.deepEqual(resent.body, { received: 4, stored: 1, duplicates: 3 });
    assert.equal(await eventCount(), 4);
    const e1 = await ctx.deps.db.selectFrom('events').selectAll().where('id', '=', 'e1').executeTakeFirstOrThrow();
    assert.equal(e1.type, 'report.exported', 'the first copy is kept');
    assert.deepEqual(e1.properties, { feature: 'export', rows: 12 });
    assert.equal(new Date(e1.occurred_at).toISOString(), '2026-11-20T10:00:00.000Z');
  });

  it('rejects a batch with a malformed event by its index and writes nothing of that batch', async () => {
    const before = await eventCount();
    const cases: [unknown[], string][] = [
      [[event('b1'), event('b2'), event('b3'), event('b4', { time: 'yesterday' }), event('b5')], 'events[3].time'],
      [[event('b1'), event('b2', { tenantId: '' })], 'events[1].tenantId'],
      [[event('b1'), { ...event('b2'), id: undefined }], 'events[1].id'],
      [[event('b1', { timestamp: 'x' })], 'events[0]'],
      [[event('b1', { properties: [1, 2] })], 'events[0].properties'],
      [[], 'events'],
    ];
    for (const [events, field] of cases) {
      const res = await post('/api/v1/events', { events });
      assert.equal(res.status, 400, field);
      assert.equal(res.body.error.code, 'invalid_request');
      assert.equal(res.body.error.field, field, res.body.error.message);
      assert.ok(res.body.error.message.includes(field), res.body.error.message);
    }
    assert.equal(await eventCount(), before);
    assert.equal(await ctx.deps.db.selectFrom('events').select('id').where('id', 'like', 'b%').executeTakeFirst(), undefined);
  });

  it('refuses event ingestion to a viewer and to a caller without a token', async () => {
    assert.equal((await post('/api/v1/events', { events: [event('v1')] }, TOKENS.viewer)).status, 403);
    const anonymous = await app.request('/api/v1/events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [event('v1')] }) });
    assert.equal(anonymous.status, 401);
    assert.equal(await ctx.deps.db.selectFrom('events').select('id').where('id', '=', 'v1').executeTakeFirst(), undefined);
  });

  it('upserts tenants, keeping the fields an update leaves out', async () => {
    const created = await post('/api/v1/tenants', { tenants: [{ id: 't1', name: 'One', plan: 'pro', seats: 12, attributes: { region: 'eu' } }, { id: 't2', name: 'Two' }] });
    assert.deepEqual(created.body, { received: 2, inserted: 2, updated: 0 });
    const updated = await post('/api/v1/tenants', { tenants: [{ id: 't1', name: 'One Inc' }, { id: 't3', name: 'Three', plan: 'enterprise' }] });
    assert.deepEqual(updated.body, { received: 2, inserted: 1, updated: 1 });
    const rows = await ctx.deps.db.selectFrom('tenants').select(['id', 'name', 'plan', 'seats', 'attributes']).orderBy('id').execute();
    assert.deepEqual(rows, [
      { id: 't1', name: 'One Inc', plan: 'pro', seats: 12, attributes: { region: 'eu' } },
      { id: 't2', name: 'Two', plan: 'free', seats: 1, attributes: {} },
      { id: 't3', name: 'Three', plan: 'enterprise', seats: 1, attributes: {} },
    ]);
    const repeated = await post('/api/v1/tenants', { tenants: [{ id: 't4', name: 'A' }, { id: 't4', name: 'B' }] });
    assert.equal(repeated.status, 400);
    assert.equal(repeated.body.error.field, 'tenants[1].id');
  });

  it('upserts users, and rejects a batch with a user of an unknown tenant by index, writing none of it', async () => {
    const ok = await post('/api/v1/users', { users: [{ id: 'u1', tenantId: 't1', email: 'u1@example.com', name: 'Uma' }, { id: 'u2', tenantId: 't2' }] });
    assert.deepEqual(ok.body, { received: 2, inserted: 2, updated: 0 });
    const bad = await post('/api/v1/users', { users: [{ id: 'u3', tenantId: 't1' }, { id: 'u4', tenantId: 'ghost' }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'users[1].tenantId');
    assert.match(bad.body.error.message, /ghost/);
    assert.equal(await ctx.deps.db.selectFrom('users').select('id').where('id', '=', 'u3').executeTakeFirst(), undefined);
    const moved = await post('/api/v1/users', { users: [{ id: 'u1', tenantId: 't3' }] });
    assert.deepEqual(moved.body, { received: 1, inserted: 0, updated: 1 });
    const u1 = await ctx.deps.db.selectFrom('users').select(['tenant_id', 'email', 'name']).where('id', '=', 'u1').executeTakeFirstOrThrow();
    assert.deepEqual(u1, { tenant_id: 't3', email: 'u1@example.com', name: 'Uma' });
  });
});
