import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCampaign } from '../../src/campaigns/create.js';
import { deliverBatch } from '../../src/campaigns/deliver-batch.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { materialise } from '../../src/campaigns/materialise.js';
import { ensureRedis, type LocalRedis } from '../../src/redis/local-server.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { waitFor } from '../support/wait-for.js';

const SECRET = 'downstream-secret-0123456789';

// A sender of a batch job that threw (its Retry-After hold refused by a Redis out of memory,
// as `noeviction` makes it when full) rejected the job at once, while the job's other senders
// still had requests at the downstream: the job was failed, to be rerun, before every sender
// had stopped, and what they were sending could go out twice.
// Redis is made to refuse writes, so this test gets a redis-server of its own.
describe('a batch job one of whose senders fails', () => {
  let redis: LocalRedis;
  let ctx: TestContext;
  const open: ServerResponse[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => open.push(res));
  });
  let url = '';

  before(async () => {
    redis = await ensureRedis('redis://127.0.0.1:1', { startLocal: true, dir: mkdtempSync(join(tmpdir(), 'fw-redis-')) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/deliver`;
    ctx = await createTestContext({ redisUrl: redis.url, config: { ops: { enabled: false } } });
    await seedUsers(ctx.deps.db, 2);
  });
  after(async () => {
    await ctx.deps.redis.config('SET', 'maxmemory', '0');
    await ctx.cleanup();
    server.closeAllConnections();
    server.close();
    await redis.stop();
  });

  it('fails only once every sender of the batch has stopped, with every answer that came in written', async () => {
    const input = campaignInputSchema.parse({
      name: 'sender error',
      audience: { type: 'segment', filters: {} },
      template: 'Hi',
      channel: { url, secret: SECRET },
    });
    const { id } = await createCampaign(ctx.deps, input, 'olivia', 'trace-sender-error');
    await startCampaign(ctx.deps, id, 'trace-sender-error', 'olivia', { by: 'policy' });
    await materialise(ctx.deps, id, 'trace-sender-error');

    let settled = false;
    const job = deliverBatch(ctx.deps, { campaignId: id, batchNo: 0, traceId: 'trace-sender-error' }).finally(() => {
      settled = true;
    });
    job.catch(() => {}); // looked at below, after the downstream has answered
    await waitFor(() => open.length === 2, { what: 'both requests at the downstream' });
    await ctx.deps.redis.config('SET', 'maxmemory', '1');
    open[0]!.writeHead(429, { 'retry-after': '1' }).end('{}');
    // The old code rejected the job within a few Redis round trips of that answer; the job must
    // instead wait for its other request, which the downstream holds until told.
    await waitFor(() => settled, { timeoutMs: 2000, what: 'the job to settle' }).catch(() => {});
    const settledWhileSending = settled;
    open[1]!.writeHead(200).end('{}');
    const error = await job.then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof Error, 'the job fails: Redis refuses its writes');
    assert.equal(settledWhileSending, false, `the job settled (${error.message}) while one of its requests was still at the downstream`);
    // Both answers are in Postgres, the refused one's attempt too (it was lost with the hold's write).
    const rows = await ctx.deps.db
      .selectFrom('deliveries')
      .select(['status', 'attempts', 'http_status'])
      .where('campaign_id', '=', id)
      .orderBy('http_status')
      .execute();
    assert.deepEqual(rows, [
      { status: 'delivered', attempts: 1, http_status: 200 },
      { status: 'retry', attempts: 1, http_status: 429 },
    ]);
  });
});
