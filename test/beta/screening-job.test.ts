import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { activityScore } from '../../src/beta/activity-score.js';
import { tenantActivity } from '../../src/beta/activity-store.js';
import { toScoreConfig } from '../../src/beta/config-schema.js';
import { manualClock } from '../../src/clock.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';
import { eventsFor, expectedFeatures, SCREENING_EXPECTED, SCREENING_FILTERS, SCREENING_TENANTS, userIdsOf } from './fixtures/activity-events.js';

const NOW = new Date('2026-11-25T12:00:00Z');

describe('beta screening job over Postgres', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const clock = manualClock(NOW);

  const call = async (method: string, path: string, body?: unknown, token: string = TOKENS.operator) => {
    const res = await app.request(path, body === undefined ? { method, headers: bearer(token) } : { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const runJob = async (queue: string) => {
    const queued = await call('POST', `/api/v1/jobs/${queue}`, {});
    assert.equal(queued.status, 202);
    return waitFor(async () => {
      const job = await call('GET', `/api/v1/jobs/${queue}/${queued.body.id}`, undefined, TOKENS.viewer);
      if (job.body.state === 'failed') throw new Error(`job failed: ${job.body.failedReason}`);
      return job.body.state === 'completed' ? job.body : undefined;
    }, { what: `${queue} job`, timeoutMs: 60_000 });
  };

  before(async () => {
    ctx = await createTestContext({ clock, config: { beta: { filters: SCREENING_FILTERS }, campaigns: { reconcileEverySec: 3600 } } });
    app = createApp(ctx.deps);
    workers = await startTestWorkers(ctx);
    const tenants = SCREENING_TENANTS.map((t) => ({ id: t.id, name: t.id.toUpperCase(), plan: t.plan, seats: t.seats, ...(t.attributes ? { attributes: t.attributes } : {}) }));
    assert.equal((await call('POST', '/api/v1/tenants', { tenants })).status, 200);
    const users = SCREENING_TENANTS.flatMap((t) => userIdsOf(t).map((id) => ({ id, tenantId: t.id, name: id })));
    assert.equal((await call('POST', '/api/v1/users', { users })).status, 200);
    const events = SCREENING_TENANTS.flatMap((t) => eventsFor(t, NOW));
    for (let i = 0; i < events.length; i += 5000) {
      const res = await call('POST', '/api/v1/events', { events: events.slice(i, i + 5000) });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    // initech accepted an invitation yesterday and has been active since.
    await ctx.deps.db
      .insertInto('beta_participants')
      .values({ tenant_id: 'initech', status: 'accepted', trace_id: 'fixture', invited_at: new Date(NOW.getTime() - 5 * 86_400_000), invite_expires_at: NOW, responded_at: new Date(NOW.getTime() - 86_400_000), updated_at: NOW })
      .execute();
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
  });

  it('computes every tenant’s activity features from the stored events exactly as the fixture designed them', async () => {
    const rows = await tenantActivity(ctx.deps.db, NOW, ctx.deps.config.beta.score);
    assert.deepEqual(rows.map((r) => r.tenantId), SCREENING_TENANTS.map((t) => t.id).sort());
    for (const spec of SCREENING_TENANTS) {
      const row = rows.find((r) => r.tenantId === spec.id)!;
      const { lastActivityAt, eventsRecent, eventsPrevious, distinctFeatures, avgSessionMinutes, activeUsers } = row;
      assert.deepEqual({ lastActivityAt, eventsRecent, eventsPrevious, distinctFeatures, avgSessionMinutes, activeUsers }, expectedFeatures(spec, NOW), spec.id);
      assert.equal(row.plan, spec.plan);
      assert.equal(row.seats, spec.seats);
      assert.equal(row.inBeta, spec.id === 'initech', spec.id);
      assert.equal(row.optedOut, spec.id === 'umbrella', spec.id);
    }
  });

  it('picks exactly the tenants above the threshold that pass every filter, through the job, and shows them with their breakdown', async () => {
    const job = await runJob('beta-screening');
    assert.deepEqual(job.result.candidates, SCREENING_EXPECTED);
    assert.deepEqual(job.result.promotedActive, ['initech']);

    const listed = await call('GET', '/api/v1/beta/candidates', undefined, TOKENS.viewer);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.candidates.map((c: { tenantId: string }) => c.tenantId), SCREENING_EXPECTED);
    for (const c of listed.body.candidates) {
      assert.ok(c.score > 0.8, `${c.tenantId} ${c.score}`);
      assert.deepEqual(Object.keys(c.breakdown).sort(), ['breadth', 'depth', 'frequency', 'recency', 'seats', 'trend']);
      assert.equal(c.status, 'candidate');
      const spec = SCREENING_TENANTS.find((t) => t.id === c.tenantId)!;
      assert.deepEqual(c.activity, expectedFeatures(spec, NOW));
    }
    assert.equal(listed.body.screening.tenantsScreened, SCREENING_TENANTS.length);
    assert.equal(listed.body.screening.threshold, 0.8);
    assert.equal(listed.body.program.active, 1);

    // Every tenant left out either scores at most 0.8 or fails a filter or the program rules.
    const config = toScoreConfig(ctx.deps.config.beta.score);
    const scores = Object.fromEntries(SCREENING_TENANTS.map((t) => [t.id, activityScore({ tenantId: t.id, ...expectedFeatures(t, NOW) }, NOW, config).score]));
    for (const id of ['soylent', 'wayne', 'stark']) assert.ok(scores[id]! <= 0.8, `${id} ${scores[id]}`);
    assert.ok(scores['stark']! > 0.79, 'stark is a near miss');
    for (const id of ['initech', 'umbrella', 'tiny', 'hooli']) assert.ok(scores[id]! > 0.8, `${id} is excluded by a rule, not by its score`);

    const phase7 = await call('GET', '/api/phase7/beta/candidates', undefined, TOKENS.viewer);
    assert.equal(phase7.status, 200);
    assert.deepEqual(phase7.body, listed.body);
  });

  it('leaves out a candidate once it is invited, on the next run', async () => {
    await ctx.deps.db
      .insertInto('beta_participants')
      .values({ tenant_id: 'globex', status: 'invited', trace_id: 'fixture', invited_at: NOW, invite_expires_at: NOW, updated_at: NOW })
      .execute();
    const again = await runJob('beta-screening');
    assert.deepEqual(again.result.candidates, ['acme']);
    const listed = await call('GET', '/api/v1/beta/candidates', undefined, TOKENS.viewer);
    assert.deepEqual(listed.body.candidates.map((c: { tenantId: string }) => c.tenantId), ['acme']);
    assert.equal(listed.body.program.invited, 1);
  });

  it('lets only a viewer or above read the candidates', async () => {
    const res = await app.request('/api/v1/beta/candidates');
    assert.equal(res.status, 401);
  });
});
