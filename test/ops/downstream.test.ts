import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createDownstreamModel } from '../../bench/downstream/downstream-model.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import type { TimeBucket } from '../../bench/downstream/downstream-stats.js';
import { startDownstreamProcess, type DownstreamProcess } from '../support/downstream.js';

describe('downstream queueing model', () => {
  const quiet = { latencyJitter: 0, overloadErrorRate: 0 };

  it('answers at the base latency while load stays under capacity', () => {
    const model = createDownstreamModel({ capacity: 100, baseLatencyMs: 20, ...quiet });
    // 50 req/s for 10 s: one every 20 ms.
    for (let t = 0; t < 10_000; t += 20) assert.deepEqual(model.admit(t, 1), { kind: 'served', status: 200, latencyMs: 20, queuedMs: 0 });
  });

  it('queues past the knee and refuses with Retry-After once the queue is full', () => {
    const model = createDownstreamModel({ capacity: 100, baseLatencyMs: 20, burst: 5, maxQueueMs: 500, ...quiet });
    // 200 at once: 5 go straight in, then each waits 10 ms more than the one before.
    const answers = Array.from({ length: 200 }, () => model.admit(0, 1));
    const served = answers.filter((a) => a.kind === 'served');
    assert.equal(served.length, 55); // the burst plus 500 ms of queue at 100/s
    assert.deepEqual(served.slice(0, 5).map((a) => a.latencyMs), [20, 20, 20, 20, 20]);
    assert.equal(served.at(-1)!.latencyMs, 520);
    assert.deepEqual(answers.at(-1), { kind: 'refused', status: 429, retryAfterSec: 1, queuedMs: 510 });
    // The queue drains at capacity: 10 ms later one more fits.
    assert.equal(model.admit(10, 1).kind, 'served');
  });

  it('serves more once capacity is raised, and fails more as it queues', () => {
    const model = createDownstreamModel({ capacity: 10, burst: 1, maxQueueMs: 1000, latencyJitter: 0, overloadErrorRate: 1 }, mulberry32(7));
    const at100 = () => Array.from({ length: 100 }, () => model.admit(0, 1)).filter((a) => a.kind === 'served');
    const slow = at100();
    assert.equal(slow.length, 11);
    assert.ok(slow.filter((a) => a.status === 500).length >= 3, 'queueing near the limit fails requests');
    model.reset();
    model.configure({ capacity: 1000 });
    assert.equal(at100().length, 100);
    assert.throws(() => model.configure({ capacity: 0 }), RangeError);
    assert.equal(model.config.capacity, 1000);
  });

  it('charges a batch for its extra messages at the batch message cost', () => {
    const model = createDownstreamModel({ capacity: 10, burst: 1, maxQueueMs: 10_000, batchMessageCost: 0.5, ...quiet });
    model.admit(0, 11); // 1 + 10 × 0.5 = 6 units = 600 ms
    assert.equal((model.admit(0, 1) as { queuedMs: number }).queuedMs, 600);
  });
});

describe('simulated downstream process', () => {
  const SECRET = 'bench-secret';
  let downstream: DownstreamProcess;

  before(async () => {
    downstream = await startDownstreamProcess({ secret: SECRET, args: ['--capacity', '50', '--burst', '5', '--max-queue-ms', '200', '--base-latency-ms', '5', '--seed', '1'] });
  });
  after(async () => {
    await downstream.stop();
  });
  beforeEach(async () => {
    await downstream.control({ capacity: 50, overloadStatus: 429, baseLatencyMs: 5 });
    await downstream.reset();
  });

  const buckets = async (from: number, bucketMs: number) =>
    ((await (await fetch(`${downstream.url}/_stats?from=${from}&to=${Date.now() + 1}&bucketMs=${bucketMs}`)).json()) as { buckets: TimeBucket[] }).buckets;

  const burst = (n: number, campaignId = 'c1') =>
    Promise.all(Array.from({ length: n }, (_, i) => downstream.deliver({ campaignId, userId: `u${i}`, idempotencyKey: `${campaignId}:u${i}` }, { 'idempotency-key': `${campaignId}:u${i}` })));

  it('refuses a burst past capacity with 429 and Retry-After, and counts it', async () => {
    const startedAt = Date.now();
    const responses = await burst(100);
    const refused = responses.filter((r) => r.status === 429);
    const ok = responses.filter((r) => r.status === 200);
    // 5 of burst + 200 ms of queue at 50/s = 15 admitted, plus what drained while the burst was
    // still arriving (on a busy machine the 100 requests take a while to send).
    const arrivals = (await buckets(startedAt, 10)).filter((b) => b.arrived > 0);
    const spreadMs = arrivals.length === 0 ? 0 : arrivals.at(-1)!.start - arrivals[0]!.start + 10;
    assert.ok(ok.length >= 10 && ok.length <= 25 + (spreadMs * 50) / 1000, `${ok.length} served over ${spreadMs} ms of arrivals`);
    // The rest is refused: the same allowance for what drained while the burst arrived.
    assert.ok(refused.length > 0 && refused.length >= 75 - (spreadMs * 50) / 1000, `${refused.length} refused over ${spreadMs} ms of arrivals`);
    assert.ok(refused.every((r) => Number(r.headers.get('retry-after')) >= 1));
    const stats = await downstream.stats();
    assert.equal(stats.received, 100);
    assert.equal(stats.refused, refused.length);
    assert.equal(stats.ok + stats.errors, 100 - refused.length);
    assert.equal(stats.perKey.c1?.requests, 100);
    assert.equal(stats.perSecond.reduce((sum, s) => sum + s.received, 0), 100);
    assert.equal(stats.inFlight, 0);
  });

  it('serves the same burst once capacity is raised while it runs, and can answer 503 instead', async () => {
    assert.equal((await downstream.control({ capacity: 2000, baseLatencyMs: 500 })).capacity, 2000);
    const responses = await burst(100);
    assert.ok(responses.every((r) => r.status === 200 || r.status === 500));
    const stats = await downstream.stats();
    assert.equal(stats.config.capacity, 2000);
    // Held 500 ms each, most of the 100 were open at once.
    assert.ok(stats.maxInFlight >= 50 && stats.maxInFlight <= 100, `max in flight ${stats.maxInFlight}`);
    await downstream.control({ capacity: 1, overloadStatus: 503 });
    await downstream.reset();
    const squeezed = await burst(20);
    assert.ok(squeezed.some((r) => r.status === 503 && r.headers.get('retry-after') !== null));
  });

  it('rejects a wrong signature with 401 and counts duplicate idempotency keys', async () => {
    const bad = await fetch(downstream.deliverUrl, { method: 'POST', headers: { 'x-flywheel-signature': 'sha256=00' }, body: '{"campaignId":"c1"}' });
    assert.equal(bad.status, 401);
    await downstream.control({ capacity: 2000, errorRate: 0, overloadErrorRate: 0 });
    const headers = { 'idempotency-key': 'c1:u1', 'x-campaign-id': 'c9' };
    assert.deepEqual(await (await downstream.deliver({ userId: 'u1', idempotencyKey: 'c1:u1' }, headers)).json(), { accepted: 1, duplicate: false });
    assert.deepEqual(await (await downstream.deliver({ userId: 'u1', idempotencyKey: 'c1:u1' }, headers)).json(), { accepted: 1, duplicate: true });
    const batch = await downstream.deliver({ campaignId: 'c2', messages: [{ idempotencyKey: 'c2:a' }, { idempotencyKey: 'c2:b' }, { idempotencyKey: 'c1:u1' }] });
    assert.equal(batch.status, 200);
    const stats = await downstream.stats();
    assert.equal(stats.unauthorized, 1);
    assert.deepEqual(stats.idempotency, { requestKeys: 1, duplicateRequests: 1, messageKeys: 3, duplicateMessages: 2 });
    assert.equal(stats.messagesDelivered, 5);
    assert.equal(stats.perKey.c9?.requests, 2); // the header wins over the body
    assert.deepEqual(stats.perKey.c2, { requests: 1, messages: 3, ok: 1, refused: 0, errors: 0 });
    assert.equal((await downstream.deliver({ messages: [] })).status, 400);
    await assert.rejects(downstream.control({ errorRate: 2 }), /errorRate/);
  });

  it('reports deliveries in time buckets, when a change applied, and keeps probes out of the deliveries', async () => {
    const control = (await (await fetch(`${downstream.url}/_control`, { method: 'POST', body: JSON.stringify({ capacity: 2000, overloadErrorRate: 0 }) })).json()) as { appliedAt: number };
    assert.ok(Math.abs(control.appliedAt - Date.now()) < 1000, 'appliedAt is a timestamp of now');
    const from = Date.now();
    await burst(10);
    const probe = await downstream.deliver({ probe: true, campaignId: 'c1' }, { 'x-flywheel-probe': '1', 'idempotency-key': 'probe:c1:1' });
    assert.deepEqual(await probe.json(), { probe: true });
    const total = (await buckets(from, 60_000)).reduce(
      (sum, b) => ({ arrived: sum.arrived + b.arrived, accepted: sum.accepted + b.accepted, messages: sum.messages + b.messages, refused: sum.refused + b.refused }),
      { arrived: 0, accepted: 0, messages: 0, refused: 0 },
    );
    assert.deepEqual(total, { arrived: 10, accepted: 10, messages: 10, refused: 0 });
    const stats = await downstream.stats();
    assert.equal(stats.probes, 1);
    assert.equal(stats.received, 11);
    assert.equal(stats.perKey.c1?.requests, 10, 'a probe is not a delivery');
    assert.equal(stats.idempotency.requestKeys, 10);
  });
});
