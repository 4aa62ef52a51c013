import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyApproved } from '../../src/approvals/apply-approved.js';
import { recordDecision } from '../../src/approvals/record-decision.js';
import { createApp } from '../../src/api/app.js';
import { StartRefusedError, startCampaign } from '../../src/campaigns/launch.js';
import { getCampaign } from '../../src/campaigns/store.js';
import { QUEUE_DEFINITIONS } from '../../queues/registry.js';
import { materialised } from '../support/materialised.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { login } from '../support/session.js';
import { bearer, TOKENS } from '../support/tokens.js';

// Guardrail at 5 recipients: a launch to 20 waits for approval.
const SMALL_GUARDRAIL = {
  policy: { kinds: { 'campaign.launch': { guardrails: [{ param: 'audienceSize', label: 'Audience', max: 5, hardMin: 1, hardMax: 1_000_000 }] } } },
};

describe('a campaign waiting for approval', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  const call = (method: string, path: string, body?: unknown, token: string = TOKENS.operator) =>
    app.request(path, body === undefined ? { method, headers: bearer(token) } : { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) });

  before(async () => {
    ctx = await createTestContext({ config: SMALL_GUARDRAIL });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 20);
  });
  after(() => ctx.cleanup());

  async function pendingLaunch(name: string) {
    const created = await call('POST', '/api/v1/campaigns', {
      name,
      audience: { type: 'segment', filters: {} },
      template: 'Hi {{user.name}}',
      channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    const launched = (await (await call('POST', `/api/v1/campaigns/${id}/launch`)).json()) as { outcome: string; request: { id: string } };
    assert.equal(launched.outcome, 'approval_requested');
    return { id, approvalId: launched.request.id };
  }
  const deliveries = async (id: string) => (await ctx.deps.db.selectFrom('deliveries').select('id').where('campaign_id', '=', id).execute()).length;

  it('cannot be started through the jobs API', async () => {
    const { id } = await pendingLaunch('bypass via jobs');
    const res = await call('POST', '/api/v1/jobs/campaigns', { name: 'start', data: { campaignId: id } });
    assert.equal(res.status, 409);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_triggerable');
    assert.equal((await ctx.deps.queues.get('campaigns').getJobCounts('waiting', 'delayed')).waiting, 0);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'pending_approval');
  });

  it('is refused by startCampaign without the approval that allows it, and changes nothing', async () => {
    const { id, approvalId } = await pendingLaunch('bypass direct');
    await assert.rejects(startCampaign(ctx.deps, id, 'trace-bypass', 'schedule', { by: 'schedule' }), StartRefusedError);
    // The request exists but nobody approved it yet.
    await assert.rejects(startCampaign(ctx.deps, id, 'trace-bypass', 'olivia', { by: 'approval', approvalId }), StartRefusedError);
    // An approved request for another campaign does not carry over.
    const other = await pendingLaunch('other');
    await approve(other.approvalId);
    await assert.rejects(startCampaign(ctx.deps, id, 'trace-bypass', 'olivia', { by: 'approval', approvalId: other.approvalId }), StartRefusedError);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'pending_approval');
    assert.equal(await deliveries(id), 0);
    const refusals = await ctx.deps.db.selectFrom('audit_log').select('action').where('subject_id', '=', id).where('action', '=', 'campaign.start_refused').execute();
    assert.equal(refusals.length, 3);
    const started = await ctx.deps.db.selectFrom('audit_log').select('action').where('subject_id', '=', id).where('action', '=', 'campaign.started').execute();
    assert.equal(started.length, 0);
  });

  it('starts once its approval is applied', async () => {
    const { id, approvalId } = await pendingLaunch('approved');
    await approve(approvalId);
    const applied = await applyApproved(ctx.deps, approvalId);
    assert.equal(applied.applied, true, JSON.stringify(applied));
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'running');
    // The same path as a launch the policy applies: the recipients are written by the queued materialisation.
    await materialised(ctx.deps, id);
    assert.equal(await deliveries(id), 20);
  });

  it('a schedule does not start a draft either', async () => {
    const created = await call('POST', '/api/v1/campaigns', { name: 'draft', audience: { type: 'segment', filters: {} }, template: 'Hi', channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' } });
    const { id } = (await created.json()) as { id: string };
    await assert.rejects(startCampaign(ctx.deps, id, 'trace-draft', 'schedule', { by: 'schedule' }), StartRefusedError);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'draft');
  });

  it('no queue whose jobs apply a guarded action is triggerable', () => {
    // Reviewed: these run agents whose proposals go through the policy, sweeps, or a no-op.
    // A queue added as triggerable must be reviewed the same way and added here.
    const reviewed = ['ops-monitor', 'approval-expiry', 'diagnostics', 'beta-screening', 'beta-analysis', 'growth-analysis'];
    const triggerable = QUEUE_DEFINITIONS.filter((q) => q.triggerable).map((q) => q.name);
    assert.deepEqual(triggerable.filter((name) => !reviewed.includes(name)), []);
    for (const guarded of ['campaigns', 'approvals', 'deliveries', 'ops-control', 'telegram']) assert.ok(!triggerable.includes(guarded), guarded);
  });

  it('starts by no other door either: resume (API or dashboard form), another launch, any queue through the jobs API', async () => {
    const { id, approvalId } = await pendingLaunch('bypass via other doors');
    const refusals: string[] = [];
    const expectRefused = async (what: string, res: Response) => {
      if (res.status < 400 || res.status >= 500) refusals.push(`${what} -> ${res.status} ${await res.text()}`);
    };
    await expectRefused('API resume', await call('POST', `/api/v1/campaigns/${id}/resume`, {}));
    const session = await login(app, TOKENS.operator);
    const form = (path: string) =>
      app.request(`http://localhost${path}`, {
        method: 'POST',
        headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
        body: new URLSearchParams({ csrf: session.csrf }).toString(),
      });
    const resumed = await form(`/dashboard/campaigns/${id}/resume`);
    if (resumed.status === 303) assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'pending_approval', 'the dashboard resume form left it waiting');
    else await expectRefused('dashboard resume', resumed);
    // A second launch asks again (or says it is waiting); it never starts the campaign.
    await call('POST', `/api/v1/campaigns/${id}/launch`);
    for (const queue of QUEUE_DEFINITIONS.filter((q) => !q.triggerable)) {
      for (const name of ['start', 'apply', 'materialise', 'resume', 'deliver', 'notify']) {
        await expectRefused(`jobs ${queue.name}/${name}`, await call('POST', `/api/v1/jobs/${queue.name}`, { name, data: { campaignId: id, requestId: approvalId } }));
      }
    }
    assert.deepEqual(refusals, []);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'pending_approval');
    assert.equal(await deliveries(id), 0);
    assert.equal((await ctx.deps.db.selectFrom('approval_requests').select('status').where('id', '=', approvalId).executeTakeFirstOrThrow()).status, 'pending');
  });

  async function approve(approvalId: string) {
    const hash = (await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', approvalId).executeTakeFirstOrThrow()).payload_hash;
    await recordDecision(ctx.deps, approvalId, { channel: 'console', actor: 'alice', actorRoles: ['approver'], decision: 'approve', reason: '', payloadHash: hash });
  }
});
