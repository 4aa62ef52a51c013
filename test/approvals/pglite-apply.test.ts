import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { applyApproved } from '../../src/approvals/apply-approved.js';
import { recordDecision } from '../../src/approvals/record-decision.js';
import { createCampaign } from '../../src/campaigns/create.js';
import { requestLaunch } from '../../src/campaigns/control.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { getCampaign } from '../../src/campaigns/store.js';
import { parseConfig } from '../../src/config/load.js';
import type { Deps } from '../../src/deps.js';
import { buildDeps } from '../../src/entry/compose.js';
import { createLogger } from '../../src/logger.js';
import { seedUsers } from '../support/seed-users.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueName } from '../support/services.js';

// `npm start` without DATABASE_URL runs on embedded PGlite, which has a single connection:
// anything that queries outside an open transaction's connection waits for ever.
describe('applying an approval on embedded PGlite', () => {
  let deps: Deps;
  const prefix = uniqueName('fwpglite');

  before(async () => {
    const config = parseConfig(stringify({ database: { url: '', pgliteDir: 'memory://' }, redis: { url: TEST_REDIS_URL, prefix, startLocal: false }, logging: { level: 'silent' } }), {});
    deps = await buildDeps({ config, logger: createLogger(config.logging.level) });
    await seedUsers(deps.db, 12_000);
  });
  after(async () => {
    await deps.close();
    await deleteRedisPrefix(prefix);
  });

  it('applies an approved campaign launch without waiting on its own transaction', async () => {
    const input = campaignInputSchema.parse({ name: 'big', audience: { type: 'segment', filters: {} }, template: 'Hi', channel: { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' } });
    const campaign = await createCampaign(deps, input, 'olivia', 'trace-pglite');
    const outcome = await requestLaunch(deps, campaign.id, { proposer: 'operator', requester: 'olivia' }, 'trace-pglite');
    assert.equal(outcome.outcome, 'approval_requested', 'an audience of 12,000 is over the 10,000 guardrail');
    if (outcome.outcome !== 'approval_requested') return;
    const hash = (await deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', outcome.request.id).executeTakeFirstOrThrow()).payload_hash;
    await recordDecision(deps, outcome.request.id, { channel: 'console', actor: 'alice', actorRoles: ['approver'], decision: 'approve', reason: '', payloadHash: hash });
    const applied = await Promise.race([
      applyApproved(deps, outcome.request.id),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('applyApproved hung')), 10_000).unref()),
    ]);
    assert.equal(applied.applied, true, JSON.stringify(applied));
    assert.equal((await getCampaign(deps.db, campaign.id))?.status, 'running');
  });
});
