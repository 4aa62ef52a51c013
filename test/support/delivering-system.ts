import { registerSchedulers } from '../../queues/schedulers.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { requestLaunch } from '../../src/campaigns/control.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { createTestContext, type TestContext } from './deps.js';
import { seedUsers } from './seed-users.js';
import { TestDownstream } from './test-downstream.js';
import { startTestWorkers } from './workers.js';

export const DOWNSTREAM_SECRET = 'downstream-secret-0123456789';

/**
 * The Ops thresholds of the auto-pause tests: one-second windows, two to pause or
 * resume, and a p95 far from a loaded test machine's own latency.
 */
export const AUTOPAUSE_THRESHOLDS = { windowSec: 1, breachWindows: 2, healthyWindows: 2, p95LatencyMs: 300, minSamples: 4, autoResume: false };

export interface DeliveringSystem {
  ctx: TestContext;
  downstream: TestDownstream;
  /** A draft campaign to every seeded user, sending to the downstream. */
  draft(name: string): Promise<{ id: string; name: string }>;
  /** Launches a draft as an operator would: applied by the policy, or this throws. */
  start(campaign: { id: string; name: string }): Promise<void>;
  /** draft, then start. */
  launch(name: string): Promise<{ id: string; name: string }>;
  stop(): Promise<void>;
}

/**
 * A campaign-delivering system: a test context with `users` seeded, its schedulers
 * and every worker running (the Ops control loop every 200 ms among them), and a
 * TestDownstream for campaigns to send to.
 */
export async function startDeliveringSystem(options: {
  users: number;
  thresholds?: Partial<typeof AUTOPAUSE_THRESHOLDS>;
  config?: Record<string, unknown>;
}): Promise<DeliveringSystem> {
  const downstream = new TestDownstream(DOWNSTREAM_SECRET);
  await downstream.start();
  const ctx = await createTestContext({
    config: { ...options.config, ops: { control: { everyMs: 200 }, thresholds: { ...AUTOPAUSE_THRESHOLDS, ...options.thresholds } } },
  });
  await seedUsers(ctx.deps.db, options.users);
  await registerSchedulers(ctx.deps.queues, ctx.deps.redis, ctx.deps.config);
  const workers = await startTestWorkers(ctx);
  const system: DeliveringSystem = {
    ctx,
    downstream,
    async draft(name) {
      const input = campaignInputSchema.parse({
        name,
        audience: { type: 'segment', filters: {} },
        template: 'Hello {{user.name}}',
        channel: { url: downstream.url, secret: DOWNSTREAM_SECRET },
      });
      const campaign = await createCampaign(ctx.deps, input, 'olivia', `trace-${name}`);
      return { id: campaign.id, name };
    },
    async start(campaign) {
      const launched = await requestLaunch(ctx.deps, campaign.id, { proposer: 'operator', requester: 'olivia' }, `trace-${campaign.name}`);
      if (launched.outcome !== 'applied') throw new Error(`the launch of ${campaign.name} was ${launched.outcome}`);
    },
    async launch(name) {
      const campaign = await system.draft(name);
      await system.start(campaign);
      return campaign;
    },
    async stop() {
      await workers.stop();
      await ctx.cleanup();
      await downstream.stop();
    },
  };
  return system;
}
