import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { transition } from '../../src/campaigns/store.js';
import { controlStep } from '../../src/ops/control-loop.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';

describe("the Ops control loop's running set", () => {
  let ctx: TestContext;

  before(async () => {
    ctx = await createTestContext();
    await seedUsers(ctx.deps.db, 3);
  });
  after(() => ctx.cleanup());

  async function campaignIn(status: 'pending_approval' | 'completed') {
    const input = campaignInputSchema.parse({
      name: status,
      audience: { type: 'segment', filters: {} },
      template: 'Hi',
      channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
    });
    const { id } = await createCampaign(ctx.deps, input, 'olivia', `trace-${status}`);
    await transition(ctx.deps.db, id, ['draft'], status, new Date());
    return id;
  }

  it('keeps a campaign whose launch has not committed yet, and forgets a finished one', async () => {
    // The launch adds the campaign inside the transaction that makes it running: a step in between
    // reads it still pending. Before, that step forgot it, and nothing controlled or auto-paused it
    // until the reconciler ran (seen in the circuit-breaker test, about one run in ten under load).
    const launching = await campaignIn('pending_approval');
    const finished = await campaignIn('completed');
    await ctx.deps.runtime.markRunning(launching);
    await ctx.deps.runtime.markRunning(finished);
    await controlStep(ctx.deps, 'trace-step');
    const running = await ctx.deps.runtime.runningIds();
    assert.ok(running.includes(launching), 'the campaign being launched stays');
    assert.ok(!running.includes(finished), 'the finished campaign is forgotten');
  });
});
