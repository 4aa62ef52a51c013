import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createCampaign } from '../../src/campaigns/create.js';
import { cancelCampaign, pauseCampaign, resumeCampaign } from '../../src/campaigns/control.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { reconcile } from '../../src/campaigns/reconcile.js';
import { getCampaign } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { waitFor } from '../support/wait-for.js';

describe('pausing a campaign', () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestContext();
    await seedUsers(ctx.deps.db, 10);
  });
  after(() => ctx.cleanup());

  async function running(name: string) {
    const input = campaignInputSchema.parse({ name, audience: { type: 'segment', filters: {} }, template: 'Hi', channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' } });
    const campaign = await createCampaign(ctx.deps, input, 'olivia', 'trace-pause');
    await startCampaign(ctx.deps, campaign.id, 'trace-pause', 'olivia', { by: 'policy' });
    assert.equal((await getCampaign(ctx.deps.db, campaign.id))?.status, 'running');
    return campaign.id;
  }

  it('with a reason Postgres refuses changes nothing: not paused in Redis, still running, no audit entry', async () => {
    const id = await running('refused reason');
    await assert.rejects(pauseCampaign(ctx.deps, id, 'bad\u0000reason', 'olivia', 'trace-pause'));
    assert.equal((await ctx.deps.runtime.limits(id)).paused, false, 'the Redis pause flag is not left set');
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'running');
    const audit = await ctx.deps.db.selectFrom('audit_log').select('action').where('subject_id', '=', id).where('action', '=', 'campaign.paused').execute();
    assert.equal(audit.length, 0);
  });

  it('pauses in Postgres and Redis together, and a second pause changes nothing', async () => {
    const id = await running('paused');
    assert.equal(await pauseCampaign(ctx.deps, id, 'maintenance', 'olivia', 'trace-pause'), true);
    assert.equal((await ctx.deps.runtime.limits(id)).paused, true);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'paused');
    assert.equal(await pauseCampaign(ctx.deps, id, 'again', 'olivia', 'trace-pause'), false);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status_reason, 'maintenance');
    assert.equal((await ctx.deps.runtime.limits(id)).paused, true);
  });

  /** Resolves once some session waits for a lock on a campaigns row. */
  const waitingOnRowLock = () =>
    waitFor(
      async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%campaigns%'`.execute(ctx.deps.db);
        return rows[0]!.n > 0;
      },
      { timeoutMs: 10_000, what: 'a session waiting on the campaign row' },
    );

  // The fleet test saw ~1 s of sends at 400/s after a pause: the reconciler (every 2 s) had read the
  // campaign as running before the pause committed, then lifted the pause flag the pause had just set.
  it('a reconcile running while a pause commits never lifts the pause', async () => {
    const id = await running('reconciled while pausing');
    const { runtime } = ctx.deps;
    const pause = runtime.pause;
    let reconciling: Promise<unknown> = Promise.resolve();
    // The pause is in Redis and its Postgres transaction not committed yet when the reconciler runs.
    runtime.pause = async (campaignId) => {
      await pause.call(runtime, campaignId);
      runtime.pause = pause;
      reconciling = reconcile(ctx.deps, 'trace-reconcile');
      await Promise.race([reconciling, waitingOnRowLock()]);
    };
    try {
      assert.equal(await pauseCampaign(ctx.deps, id, 'maintenance', 'olivia', 'trace-pause'), true);
      await reconciling;
    } finally {
      runtime.pause = pause;
    }
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'paused');
    assert.equal((await runtime.limits(id)).paused, true, 'the pause flag survives the reconcile');
  });

  it('a pause racing a resume leaves Redis agreeing with Postgres, whichever wins', async () => {
    const id = await running('paused while resuming');
    await pauseCampaign(ctx.deps, id, 'maintenance', 'olivia', 'trace-pause');
    const { runtime } = ctx.deps;
    const resume = runtime.resume;
    // An operator pauses again while the resume writes its flag: Postgres orders the two, and the
    // flag must follow the same order (before, the resume's write came after its commit and could
    // land after the second pause's).
    let pausing: Promise<boolean> = Promise.resolve(false);
    runtime.resume = async (campaignId) => {
      runtime.resume = resume;
      pausing = pauseCampaign(ctx.deps, campaignId, 'again', 'olivia', 'trace-pause');
      await Promise.race([pausing, waitingOnRowLock()]);
      await resume.call(runtime, campaignId);
    };
    try {
      assert.equal(await resumeCampaign(ctx.deps, id, 'olivia', 'trace-pause'), true);
      await pausing;
    } finally {
      runtime.resume = resume;
    }
    const status = (await getCampaign(ctx.deps.db, id))?.status;
    assert.equal((await runtime.limits(id)).paused, status === 'paused', `Postgres says ${status}`);
  });

  it('pausing a finished campaign leaves its Redis state alone', async () => {
    const id = await running('cancelled');
    assert.equal(await cancelCampaign(ctx.deps, id, 'olivia', 'trace-pause'), true);
    assert.equal(await pauseCampaign(ctx.deps, id, 'late', 'olivia', 'trace-pause'), false);
    assert.equal((await ctx.deps.runtime.limits(id)).paused, true, 'a cancelled campaign stays paused in the limiter');
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'cancelled');
  });
});
