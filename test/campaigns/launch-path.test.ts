import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { propose } from '../../src/approvals/propose.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { launchParams, startCampaign } from '../../src/campaigns/launch.js';
import { materialise } from '../../src/campaigns/materialise.js';
import { getCampaign } from '../../src/campaigns/store.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';
const USERS = 9000;

describe('one launch path: the request queues the work, a worker materialises in chunks', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  const downstream = new TestDownstream(SECRET);
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, body === undefined ? { method, headers: bearer(TOKENS.operator) } : { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const rows = (id: string) => ctx.deps.db.selectFrom('deliveries').select(['user_id', 'batch_no', 'status']).where('campaign_id', '=', id).execute();

  before(async () => {
    await downstream.start();
    // Under the default 10,000-recipient guardrail: the policy applies the launch itself.
    ctx = await createTestContext({
      config: { ops: { enabled: false }, campaigns: { reconcileEverySec: 3600, materialiseChunk: 1000 } },
    });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, USERS);
  });
  after(async () => {
    await ctx.cleanup();
    await downstream.stop();
  });

  const draft = async (name: string, maxBatch = 100) =>
    (await createCampaign(ctx.deps, campaignInputSchema.parse({ name, audience: { type: 'segment', filters: {} }, template: 'Hi {{user.name}}', channel: { url: downstream.url, secret: SECRET, mode: 'batch', maxBatch } }), 'olivia', `trace-${name}`)).id;

  it('answers a launch the policy allows by queuing its apply job, as an approved launch is applied; a worker writes every recipient once', async () => {
    const id = await draft('queued');
    const launched = await call('POST', `/api/v1/campaigns/${id}/launch`);
    const body = (await launched.json()) as { outcome: string; applyJobId: string; campaign: { status: string; materialisation: { done: boolean } } };
    assert.equal(body.outcome, 'applied', JSON.stringify(body));
    assert.equal(body.campaign.status, 'pending_approval', 'the request only queued the apply');
    assert.equal((await rows(id)).length, 0, 'the request did none of the work that grows with the audience');
    const apply = await ctx.deps.queues.get('approvals').getJob(body.applyJobId);
    assert.equal(apply?.name, 'apply-allowed');
    assert.equal(await ctx.deps.queues.get('campaigns').getJob(`materialise-${id}`), undefined, 'nothing but the apply job is queued by the request');
    // The same launch proposed again (a retried request) finds the same job.
    const params = await launchParams(ctx.deps.db, (await getCampaign(ctx.deps.db, id))!);
    const again = await propose(ctx.deps, { kind: 'campaign.launch', proposer: 'operator', params, traceId: 'retried', summary: 'retried', idempotencyKey: `launch:${id}:${params.contentHash}` });
    assert.deepEqual(again, { outcome: 'applied', applyJobId: body.applyJobId });

    const workers = await startTestWorkers(ctx);
    try {
      await waitFor(async () => (await getCampaign(ctx.deps.db, id))?.status === 'completed', { timeoutMs: 90_000, what: 'completion' });
    } finally {
      await workers.stop();
    }
    const all = await rows(id);
    assert.equal(all.length, USERS);
    assert.equal(new Set(all.map((r) => r.user_id)).size, USERS);
    assert.ok(all.every((r) => r.status === 'delivered'));
    assert.equal((await getCampaign(ctx.deps.db, id))?.audience_size, USERS);
    assert.equal(new Set(downstream.messages.filter((m) => m.idempotencyKey && String(m.idempotencyKey).startsWith(id)).map((m) => m.userId)).size, USERS);
  });

  it('resumes after a crash at the last committed chunk and, run again, changes nothing', async () => {
    const id = await draft('resumed', 70);
    await startCampaign(ctx.deps, id, 'trace-resumed', 'olivia', { by: 'policy' });
    let chunks = 0;
    await assert.rejects(
      materialise(ctx.deps, id, 'trace-resumed', async () => {
        if (++chunks === 3) throw new Error('worker killed');
      }),
      /worker killed/,
    );
    const partial = await getCampaign(ctx.deps.db, id);
    assert.equal(partial?.materialised_at, null);
    assert.equal(partial?.materialised_count, (await rows(id)).length);
    assert.ok(partial!.materialised_count > 0 && partial!.materialised_count < USERS);

    const resumed = await materialise(ctx.deps, id, 'trace-resumed');
    assert.equal(resumed.recipients, USERS);
    const again = await materialise(ctx.deps, id, 'trace-resumed');
    assert.equal(again.chunks, 0);
    const all = await rows(id);
    assert.equal(all.length, USERS);
    assert.equal(new Set(all.map((r) => r.user_id)).size, USERS);
    // Batches are numbered in order across chunks, and a job's size is a whole number of maxBatch
    // (70): a full chunk (980 recipients) in jobs of 490 (jobRecipients 500, rounded down), the last,
    // smaller chunk in jobs of 70, its last one the rest.
    const sizes = new Map<number, number>();
    for (const r of all) sizes.set(r.batch_no, (sizes.get(r.batch_no) ?? 0) + 1);
    const fullChunks = Math.floor(USERS / 980);
    const rest = USERS - 980 * fullChunks;
    const expected = [...Array.from({ length: 2 * fullChunks }, () => 490), ...Array.from({ length: Math.ceil(rest / 70) }, (_, i) => Math.min(70, rest - 70 * i))];
    assert.deepEqual(
      [...sizes].sort((a, b) => a[0] - b[0]),
      expected.map((size, batch) => [batch, size]),
    );
  });
});
