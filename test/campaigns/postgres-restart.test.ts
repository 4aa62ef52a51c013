import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { getCampaign } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { findPostgresBin, type PrivatePostgres, startPrivatePostgres } from '../support/private-postgres.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';
const RECIPIENTS = 2000;
const CONCURRENCY = 8;
const FLUSH_MS = 20;
const LATENCY_MS = 20;

// Restarting Postgres mid-campaign: the shared server must not be restarted, so this test gets a cluster of its own.
describe('a Postgres restart mid-batch', { skip: findPostgresBin() ? false : 'no Postgres server binaries (initdb, pg_ctl) under /usr/lib/postgresql' }, () => {
  let postgres: PrivatePostgres;
  let ctx: TestContext;
  let workers: Awaited<ReturnType<typeof startTestWorkers>> | undefined;
  const downstream = new TestDownstream(SECRET);

  before(async () => {
    postgres = await startPrivatePostgres();
    await downstream.start();
    ctx = await createTestContext({
      database: { schema: await postgres.schema(), url: postgres.url },
      config: { ops: { enabled: false }, campaigns: { reconcileEverySec: 1, resultFlushMs: FLUSH_MS } },
    });
    await seedUsers(ctx.deps.db, RECIPIENTS);
  });
  after(async () => {
    await workers?.stop();
    await ctx?.cleanup().catch(() => {});
    await downstream.stop();
    await postgres?.stop();
  });

  it('resends no more recipients than were in flight or waiting for their result write, and records each once', async () => {
    downstream.latencyMs = LATENCY_MS;
    const input = campaignInputSchema.parse({
      name: 'pg-restart',
      audience: { type: 'segment', filters: {} },
      template: 'Hi {{user.name}}',
      channel: { url: downstream.url, secret: SECRET, timeoutMs: 2000 },
    });
    const campaign = await createCampaign(ctx.deps, input, 'olivia', 'trace-pg-restart');
    await ctx.deps.runtime.setCap(campaign.id, { concurrency: CONCURRENCY });
    await startCampaign(ctx.deps, campaign.id, 'trace-pg-restart', 'olivia', { by: 'policy' });
    workers = await startTestWorkers(ctx);

    await waitFor(() => downstream.seen.size >= 400 || undefined, { timeoutMs: 60_000, what: 'some deliveries' });
    const inFlightAtRestart = downstream.inFlight;
    await postgres.restart();
    await waitFor(async () => (await getCampaign(ctx.deps.db, campaign.id).catch(() => undefined))?.status === 'completed', {
      timeoutMs: 120_000,
      what: 'completion after the restart',
    });

    const rows = await ctx.deps.db.selectFrom('deliveries').select(['user_id', 'status']).where('campaign_id', '=', campaign.id).execute();
    assert.equal(rows.length, RECIPIENTS);
    assert.equal(new Set(rows.map((r) => r.user_id)).size, RECIPIENTS, 'each recipient recorded once');
    assert.ok(rows.every((r) => r.status === 'delivered'));
    const counts = [...downstream.seen.entries()].filter(([key]) => key.startsWith(`${campaign.id}:`)).map(([, n]) => n);
    assert.equal(counts.length, RECIPIENTS, 'every recipient reached the downstream');
    const duplicates = counts.reduce((sum, n) => sum + n - 1, 0);
    // A failed write stops every sender of its batch before the job fails, so what can go out twice is what
    // was in flight (at most the cap) plus the answers not yet written: one flush interval's worth per slot.
    const bound = CONCURRENCY + CONCURRENCY * Math.ceil(FLUSH_MS / LATENCY_MS + 1);
    assert.ok(duplicates <= bound, `${duplicates} duplicate sends (in flight at the restart: ${inFlightAtRestart}; bound ${bound})`);
  });
});
