import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCampaign } from '../../src/campaigns/create.js';
import { cancelCampaign, pauseCampaign } from '../../src/campaigns/control.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { getCampaign } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';

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

  it('pausing a finished campaign leaves its Redis state alone', async () => {
    const id = await running('cancelled');
    assert.equal(await cancelCampaign(ctx.deps, id, 'olivia', 'trace-pause'), true);
    assert.equal(await pauseCampaign(ctx.deps, id, 'late', 'olivia', 'trace-pause'), false);
    assert.equal((await ctx.deps.runtime.limits(id)).paused, true, 'a cancelled campaign stays paused in the limiter');
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'cancelled');
  });
});
