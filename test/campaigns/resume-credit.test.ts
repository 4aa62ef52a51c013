import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { applyApproved } from '../../src/approvals/apply-approved.js';
import { propose } from '../../src/approvals/propose.js';
import { recordDecision } from '../../src/approvals/record-decision.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';

describe('who resumed a campaign', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
    await seedUsers(ctx.deps.db, 5);
  });
  after(() => ctx.cleanup());

  it('credits a resume the Ops agent proposed and a person approved to that person, not to ops', async () => {
    const input = campaignInputSchema.parse({ name: 'credit', audience: { type: 'segment', filters: {} }, template: 'Hi', channel: { url: 'http://127.0.0.1:9/', secret: 's'.repeat(16) } });
    const campaign = await createCampaign(ctx.deps, input, 'olivia', 'trace-credit');
    await ctx.deps.db.updateTable('campaigns').set({ status: 'paused', status_reason: 'auto-pause: p95 latency', launched_at: new Date() }).where('id', '=', campaign.id).execute();
    const outcome = await propose(ctx.deps, { kind: 'campaign.resume', proposer: 'ops', params: { campaignId: campaign.id, pausedReason: 'auto-pause: p95 latency' }, traceId: 'trace-credit', summary: 'Resume' });
    assert.equal(outcome.outcome, 'approval_requested');
    if (outcome.outcome !== 'approval_requested') return;
    const hash = (await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', outcome.request.id).executeTakeFirstOrThrow()).payload_hash;
    await recordDecision(ctx.deps, outcome.request.id, { channel: 'console', actor: 'alice', actorRoles: ['approver'], decision: 'approve', reason: 'recovered', payloadHash: hash });
    const applied = await applyApproved(ctx.deps, outcome.request.id);
    assert.equal(applied.applied, true, JSON.stringify(applied));
    const resumed = await ctx.deps.db.selectFrom('audit_log').select('actor').where('subject_id', '=', campaign.id).where('action', '=', 'campaign.resumed').executeTakeFirstOrThrow();
    assert.equal(resumed.actor, 'alice');
  });
});
