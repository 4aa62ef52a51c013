import { materialise } from '../../src/campaigns/materialise.js';
import type { Deps } from '../../src/deps.js';

/**
 * A launch queues the materialisation of its recipients for a worker; a test that
 * runs no campaigns worker does that step itself, as the worker would.
 */
export async function materialised(deps: Deps, campaignId: string): Promise<void> {
  await materialise(deps, campaignId, `test-materialise-${campaignId}`);
}
