// A delivery bench's scenario: a Postgres schema and Redis prefix of its own (a test context),
// seeded users, a scratch folder for its workers' config and logs; all removed at its end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { createTestContext, type TestContext } from '../../test/support/deps.js';
import { seedUsers } from '../../test/support/seed-users.js';
import type { WorkerProcess, WorkerRun } from './worker-process.js';

export interface Scenario {
  ctx: TestContext;
  dir: string;
  workers: WorkerProcess[];
}

/** A scenario on `config` (merged over the benches' defaults) with `users` users in 10 tenants. */
export async function openScenario(config: Record<string, unknown>, users: number): Promise<Scenario> {
  const ctx = await createTestContext({
    config: {
      database: { poolSize: 10 },
      campaigns: { reconcileEverySec: 3600 },
      workers: { shutdownTimeoutSec: 5 },
      ...config,
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'fw-bench-delivery-'));
  try {
    await seedUsers(ctx.deps.db, users, 10);
  } catch (error) {
    await ctx.cleanup();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { ctx, dir, workers: [] };
}

/** Stops the scenario's workers (what their runs left behind, in order), then removes its schema, prefix and folder. */
export async function closeScenario(s: Scenario): Promise<WorkerRun[]> {
  const runs = await Promise.all(s.workers.splice(0).map((w) => w.stop()));
  await s.ctx.cleanup();
  rmSync(s.dir, { recursive: true, force: true });
  return runs;
}

/** A campaign to every seeded user, sent to `url`'s /deliver in `mode`, `maxBatch` recipients per job (and per request in batch mode). */
export async function createBenchCampaign(
  ctx: TestContext,
  channel: { url: string; secret: string; mode: 'single' | 'batch'; maxBatch: number },
  name: string,
) {
  const input = campaignInputSchema.parse({
    name,
    audience: { type: 'segment', filters: {} },
    template: 'Hi {{user.name}}, news from {{tenant.name}}',
    channel: { url: `${channel.url}/deliver`, secret: channel.secret, mode: channel.mode, maxBatch: channel.maxBatch },
  });
  return createCampaign(ctx.deps, input, 'bench', `bench-${name}`);
}
