import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'bullmq';
import { approvalJobId, approvalsQueue } from '../../queues/approvals.js';
import { cancelRequest } from '../../src/approvals/cancel.js';
import { fileExternal } from '../../src/approvals/external.js';
import { expireRequest } from '../../src/approvals/lifecycle.js';
import { type Proposal, propose } from '../../src/approvals/propose.js';
import { recordDecision } from '../../src/approvals/record-decision.js';
import { manualClock } from '../../src/clock.js';
import { connectRedis } from '../../src/redis/connect.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { recordingAction } from '../support/recording-action.js';
import { startTestWorkers } from '../support/workers.js';
import { waitFor } from '../support/wait-for.js';

const launch = (name: string): Proposal => ({
  kind: 'campaign.launch',
  proposer: 'growth',
  params: { name, audienceSize: 11_000, budget: 100 },
  traceId: `trace-${name}-${randomUUID()}`,
  summary: `Launch ${name}`,
});

async function pendingRequest(ctx: TestContext, name: string) {
  const outcome = await propose(ctx.deps, launch(name));
  assert.ok(outcome.outcome === 'approval_requested' && outcome.request.status === 'pending');
  const row = await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', outcome.request.id).executeTakeFirstOrThrow();
  return { id: outcome.request.id, payloadHash: row.payload_hash };
}

const decide = (ctx: TestContext, id: string, payloadHash: string, decision: 'approve' | 'reject') =>
  recordDecision(ctx.deps, id, { channel: 'console', actor: 'alice', actorRoles: ['approver'], decision, reason: '', payloadHash });

/** The request's expiry and escalation jobs still in the approvals queue (any state). */
async function timersOf(ctx: TestContext, id: string) {
  const queue = ctx.deps.queues.get(approvalsQueue.name);
  const jobs = await Promise.all((['expire', 'escalate'] as const).map((step) => queue.getJob(approvalJobId(step, id))));
  return jobs.filter((job) => job !== undefined);
}

async function delayedIds(ctx: TestContext): Promise<string[]> {
  const delayed = await ctx.deps.queues.get(approvalsQueue.name).getDelayed(0, -1);
  return delayed.map((job) => String(job.id));
}

describe('approval timers: a final request leaves no delayed jobs behind', () => {
  let ctx: TestContext;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const clock = manualClock(new Date());
  const action = recordingAction('campaign.launch');

  before(async () => {
    ctx = await createTestContext({ clock, extraActions: [action.handler] });
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
  });

  it('schedules an expiry and an escalation job for a pending request, delayed to their deadlines', async () => {
    const { id } = await pendingRequest(ctx, 'scheduled');
    const timers = await timersOf(ctx, id);
    assert.equal(timers.length, 2);
    for (const job of timers) assert.equal(await job.getState(), 'delayed');
    const expire = timers.find((job) => job.name === 'expire')!;
    assert.equal(expire.opts.delay, ctx.deps.config.approvals.timeoutsSec.normal * 1000);
  });

  it('removes both timers when a request is approved, rejected or cancelled', async () => {
    const approved = await pendingRequest(ctx, 'approved');
    const rejected = await pendingRequest(ctx, 'rejected');
    const cancelled = await pendingRequest(ctx, 'cancelled');
    assert.equal((await decide(ctx, approved.id, approved.payloadHash, 'approve')).status, 'approved');
    assert.equal((await decide(ctx, rejected.id, rejected.payloadHash, 'reject')).status, 'rejected');
    assert.equal(await cancelRequest(ctx.deps, cancelled.id, 'growth', 'no longer needed'), true);
    const delayed = await delayedIds(ctx);
    for (const { id } of [approved, rejected, cancelled]) {
      assert.deepEqual(await timersOf(ctx, id), [], `no timer of ${id} left`);
      assert.ok(!delayed.some((jobId) => jobId.endsWith(id)), `nothing of ${id} delayed`);
    }
    await waitFor(() => action.applied.find((a) => a.approvalId === approved.id), { what: 'the approved launch to apply' });
  });

  it("removes an external request's timers when it is decided", async () => {
    const { row } = await fileExternal(
      ctx.deps,
      { kind: 'meta.strategy.apply', title: 'Shift budget', summary: 'Move **10%** to referrals', payload: { share: 0.1 }, priority: 'normal' },
      { tokenId: 'meta', name: 'meta-agent', person: 'meta-agent' },
      `trace-external-${randomUUID()}`,
    );
    assert.equal((await timersOf(ctx, row.id)).length, 2);
    assert.equal((await decide(ctx, row.id, row.payload_hash, 'approve')).status, 'approved');
    assert.deepEqual(await timersOf(ctx, row.id), []);
  });

  it('still expires an undecided request when its expiry job fires, and then drops its escalation job', async () => {
    const { id } = await pendingRequest(ctx, 'undecided');
    const expire = await ctx.deps.queues.get(approvalsQueue.name).getJob(approvalJobId('expire', id));
    assert.ok(expire);
    clock.advance(ctx.deps.config.approvals.timeoutsSec.normal * 1000 + 1);
    // Its deadline has come on the test's clock: run it now instead of waiting hours of real time.
    await expire.promote();
    const row = await waitFor(
      () => ctx.deps.db.selectFrom('approval_requests').select('status').where('id', '=', id).where('status', '=', 'expired').executeTakeFirst(),
      { what: 'the expiry job to expire the request' },
    );
    assert.equal(row.status, 'expired');
    await waitFor(async () => (await expire.getState()) === 'completed', { what: 'the expiry job to complete' });
    assert.equal(await ctx.deps.queues.get(approvalsQueue.name).getJob(approvalJobId('escalate', id)), undefined);
    await waitFor(() => action.resolved.find((r) => r.payload.name === 'undecided' && r.outcome === 'expired'), { what: 'the requester to be told' });
  });
});

describe('approval timers: a timer running as its request is decided', () => {
  let ctx: TestContext;
  const clock = manualClock(new Date());

  before(async () => {
    ctx = await createTestContext({ clock, extraActions: [recordingAction('campaign.launch').handler] });
  });
  after(() => ctx.cleanup());

  it('stays a harmless no-op: the decision stands, the running job expires nothing', async () => {
    const { id, payloadHash } = await pendingRequest(ctx, 'racing');
    const queue = ctx.deps.queues.get(approvalsQueue.name);
    const connection = await connectRedis(ctx.deps.redisTarget, 'worker', () => {});
    // A worker without a processor: the test takes the expiry job itself, as a worker would at its deadline.
    const worker = new Worker(approvalsQueue.name, undefined, { connection, prefix: queue.opts.prefix, autorun: false });
    worker.on('error', () => {});
    try {
      const job = await queue.getJob(approvalJobId('expire', id));
      assert.ok(job);
      await job.promote();
      const token = randomUUID();
      const active = await worker.getNextJob(token);
      assert.equal(active?.id, approvalJobId('expire', id));
      assert.equal(await active.getState(), 'active');

      const decided = await decide(ctx, id, payloadHash, 'approve');
      assert.equal(decided.status, 'approved');
      // The locked job is left in place; the other timer is gone.
      assert.deepEqual(
        (await timersOf(ctx, id)).map((j) => j.name),
        ['expire'],
      );

      clock.advance(ctx.deps.config.approvals.timeoutsSec.normal * 1000 + 1);
      assert.equal(await expireRequest(ctx.deps, id, 'deadline'), false, 'a decided request is not expired');
      await active.moveToCompleted({ expired: false }, token, false);
      const row = await ctx.deps.db.selectFrom('approval_requests').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'approved');
      const audit = await ctx.deps.db.selectFrom('audit_log').select('action').where('subject_id', '=', id).where('action', '=', 'approval.expired').execute();
      assert.deepEqual(audit, []);
    } finally {
      await worker.close();
      await connection.quit();
    }
  });
});
