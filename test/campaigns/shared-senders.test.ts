import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RELEASE } from '../../src/campaign-runtime/limiter-scripts.js';
import type { Sample } from '../../src/campaign-runtime/samples.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { deliverBatch } from '../../src/campaigns/deliver-batch.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { materialise } from '../../src/campaigns/materialise.js';
import { BatchResults } from '../../src/campaigns/result-writer.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';

const SECRET = 'downstream-secret-0123456789';

// Single mode was 0.04x bare BullMQ: sixteen batch jobs in one worker each ran their own lease
// acquires (at most its 8 senders per Redis call) and wrote their own result statements.
describe('batches of one campaign in one process', () => {
  let ctx: TestContext;
  const downstream = new TestDownstream(SECRET);

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
    await seedUsers(ctx.deps.db, 3200);
  });
  after(async () => {
    await ctx.cleanup();
    await downstream.stop();
  });

  async function running(maxBatch: number) {
    const input = campaignInputSchema.parse({
      name: 'shared',
      audience: { type: 'segment', filters: {} },
      template: 'Hi {{user.name}}',
      channel: { url: downstream.url, secret: SECRET, maxBatch },
    });
    const campaign = await createCampaign(ctx.deps, input, 'olivia', 'trace-shared');
    await startCampaign(ctx.deps, campaign.id, 'trace-shared', 'olivia', { by: 'policy' });
    await materialise(ctx.deps, campaign.id, 'trace-shared');
    return campaign.id;
  }

  /** Delivers batches 0-15 of the campaign at once in this process, counting the limiter's ACQUIRE and RELEASE calls. */
  async function deliverCountingScripts(id: string, traceId: string) {
    const redis = ctx.deps.redis;
    const { eval: evalScript, evalsha } = redis;
    const releaseSha = createHash('sha1').update(RELEASE).digest('hex');
    const counts = { acquires: 0, releases: 0 };
    // ACQUIRE is the limiter's only three-key script (sent by its text or by its SHA).
    const counting = <F extends (...args: never[]) => unknown>(f: F) =>
      ((script: string, keys: number, ...rest: unknown[]) => {
        if (Number(keys) === 3) counts.acquires++;
        if (script === releaseSha || script === RELEASE) counts.releases++;
        return (f as unknown as (...a: unknown[]) => unknown).call(redis, script, keys, ...rest);
      }) as unknown as F;
    redis.eval = counting(evalScript);
    redis.evalsha = counting(evalsha);
    try {
      const outcomes = await Promise.all(Array.from({ length: 16 }, (_, batchNo) => deliverBatch(ctx.deps, { campaignId: id, batchNo, traceId })));
      assert.ok(outcomes.every((o) => o.outcome === 'done'));
    } finally {
      redis.eval = evalScript;
      redis.evalsha = evalsha;
    }
    return counts;
  }

  it('share their lease acquires: one Redis call serves the waiting senders of every batch', async () => {
    downstream.latencyMs = 0;
    const id = await running(200);
    const { acquires } = await deliverCountingScripts(id, 'trace-shared');
    const rows = await ctx.deps.db.selectFrom('deliveries').select('status').where('campaign_id', '=', id).execute();
    assert.equal(rows.length, 3200);
    assert.ok(rows.every((r) => r.status === 'delivered'));
    // One pool per batch could serve at most its 8 senders per acquire: 400 acquires or more (1,306 were
    // seen). A shared pool serves every waiting sender at once; how many that is depends on timing.
    assert.ok(acquires < 400, `${acquires} acquires for 3200 deliveries`);
  });

  // Each answered request's lease went back in a RELEASE of its own tick while the pool's acquire was
  // out: about one RELEASE call per acquire, a third of the Redis calls of single mode.
  it("give leases back with their pool's next acquire, not in Redis calls of their own", async () => {
    downstream.latencyMs = 0;
    const id = await running(200);
    const { acquires, releases } = await deliverCountingScripts(id, 'trace-release');
    // Every lease is back: none left held for the campaign.
    assert.equal(await ctx.deps.runtime.inFlight(id), 0);
    // A lease goes back on its own only when no acquire is out or due (a sender ending its batch with
    // nobody waiting): 7-18 calls for 104-147 acquires here; before, 104 RELEASE calls for 106 acquires.
    assert.ok(releases * 2 < acquires, `${releases} RELEASE calls for ${acquires} acquires`);
  });

  // A job read the campaign and its rows in two statements, and after its results one more to see
  // whether anything was left: each statement wakes a Postgres backend, a measurable part of a job.
  it('read in one Postgres statement per batch job, and ask nothing after their results when more is left', async () => {
    downstream.latencyMs = 0;
    const id = await running(100);
    let reads = 0;
    let writes = 0;
    const db = ctx.deps.db.withPlugin({
      transformQuery: (args) => {
        if (args.node.kind === 'SelectQueryNode') reads++;
        else writes++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const outcome = await deliverBatch({ ...ctx.deps, db }, { campaignId: id, batchNo: 0, traceId: 'trace-statements' });
    assert.deepEqual(outcome, { outcome: 'done', delivered: 100, failed: 0, remaining: 0 });
    // One read; the writes are the results' (as many as flush windows the job spanned), nothing after them.
    assert.equal(reads, 1);
    assert.ok(writes >= 1);
    const left = await ctx.deps.db.selectFrom('deliveries').select('status').where('campaign_id', '=', id).where('batch_no', '=', 0).execute();
    assert.ok(left.length === 100 && left.every((r) => r.status === 'delivered'));
  });

  it('write their results together: two batches adding within one window make one statement', async () => {
    const id = await running(100);
    const rows = await ctx.deps.db.selectFrom('deliveries').select(['id', 'batch_no']).where('campaign_id', '=', id).where('batch_no', 'in', [0, 1]).execute();
    const { runtime } = ctx.deps;
    const recordSamples = runtime.recordSamples;
    const flushes: Sample[][] = [];
    runtime.recordSamples = async (campaignId, samples) => {
      flushes.push([...samples]);
      return recordSamples.call(runtime, campaignId, samples);
    };
    try {
      const batches = [0, 1].map(() => new BatchResults(ctx.deps, id, 'downstream', 3));
      const at = new Date();
      for (const [i, batch] of batches.entries()) {
        const mine = rows.filter((r) => r.batch_no === i);
        batch.add(
          mine.map((r) => ({ id: r.id, ok: true, httpStatus: 200, latencyMs: 1, error: null, at })),
          { at: at.getTime(), latencyMs: 1, ok: true, messages: mine.length },
        );
      }
      await Promise.all(batches.map((b) => b.close()));
    } finally {
      runtime.recordSamples = recordSamples;
    }
    assert.equal(flushes.length, 1, 'one flush for both batches');
    assert.equal(flushes[0]!.length, 2);
    const written = await ctx.deps.db.selectFrom('deliveries').select('status').where('campaign_id', '=', id).where('batch_no', 'in', [0, 1]).execute();
    assert.ok(written.length === 200 && written.every((r) => r.status === 'delivered'));
  });
  // Each batch closing asked for its own flush, queued behind the one being written: at sixteen
  // batches a result waited for up to sixteen statements (42-53 ms of a 70-85 ms batch job).
  it('write what arrives during a flush in one next flush, however many batches close meanwhile', async () => {
    const id = await running(100);
    const rows = await ctx.deps.db
      .selectFrom('deliveries')
      .select(['id', 'batch_no'])
      .where('campaign_id', '=', id)
      .where('batch_no', 'in', [0, 1, 2, 3])
      .execute();
    const { runtime } = ctx.deps;
    const recordSamples = runtime.recordSamples;
    const flushes: Sample[][] = [];
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    runtime.recordSamples = async (campaignId, samples) => {
      flushes.push([...samples]);
      if (flushes.length === 1) {
        firstStarted();
        await gate;
      }
      return recordSamples.call(runtime, campaignId, samples);
    };
    const at = new Date();
    const closeBatch = (batchNo: number) => {
      const batch = new BatchResults(ctx.deps, id, 'downstream', 3);
      const mine = rows.filter((r) => r.batch_no === batchNo);
      batch.add(
        mine.map((r) => ({ id: r.id, ok: true, httpStatus: 200, latencyMs: 1, error: null, at })),
        { at: at.getTime(), latencyMs: 1, ok: true, messages: mine.length },
      );
      return batch.close();
    };
    try {
      const first = closeBatch(0);
      await started;
      const others = [1, 2, 3].map(closeBatch);
      release();
      await Promise.all([first, ...others]);
    } finally {
      runtime.recordSamples = recordSamples;
    }
    assert.deepEqual(
      flushes.map((f) => f.length),
      [1, 3],
      'the three batches closing during the first write share the next flush',
    );
    const written = await ctx.deps.db.selectFrom('deliveries').select('status').where('campaign_id', '=', id).where('batch_no', 'in', [0, 1, 2, 3]).execute();
    assert.ok(written.length === 400 && written.every((r) => r.status === 'delivered'));
  });
});
