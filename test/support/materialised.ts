import { createCampaign } from '../../src/campaigns/create.js';
import { campaignInputSchema } from '../../src/campaigns/input.js';
import { startCampaign } from '../../src/campaigns/launch.js';
import { materialise } from '../../src/campaigns/materialise.js';
import { getCampaign } from '../../src/campaigns/store.js';
import type { Deps } from '../../src/deps.js';
import { appliedAllowed } from './apply-allowed.js';
import { waitFor } from './wait-for.js';

/**
 * A launch the policy allows queues its apply job, which queues the materialisation of its
 * recipients; a test that runs no workers does those steps itself, as the workers would.
 */
export async function materialised(deps: Deps, campaignId: string): Promise<void> {
  await appliedAllowed(deps, (kind, params) => kind === 'campaign.launch' && params.campaignId === campaignId);
  // A running approvals worker may hold the apply job: the launch has left pending_approval once it ran.
  await waitFor(async () => (await getCampaign(deps.db, campaignId))?.status !== 'pending_approval', { what: `the launch of ${campaignId} to apply` });
  await materialise(deps, campaignId, `test-materialise-${campaignId}`);
}

/**
 * A running campaign to every user, its delivery rows written, started by the policy and
 * materialised here (no workers), to `channel` (by default one nothing listens on: for tests of the rows alone).
 */
export async function materialisedCampaign(
  deps: Deps,
  name: string,
  channel: { url: string; secret: string } = { url: 'http://127.0.0.1:9/x', secret: 'downstream-secret-0123456789' },
) {
  const input = campaignInputSchema.parse({ name, audience: { type: 'segment', filters: {} }, template: 'Hi', channel });
  const campaign = await createCampaign(deps, input, 'olivia', `trace-${name}`);
  await startCampaign(deps, campaign.id, `trace-${name}`, 'olivia', { by: 'policy' });
  await materialise(deps, campaign.id, `trace-${name}`);
  return campaign;
}
