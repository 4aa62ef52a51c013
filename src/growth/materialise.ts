import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { type Allocation, assignArm } from './assignment.js';
import { experimentOfCampaign, setDeliveryArm, type UserRange, unassignedDeliveries } from './store.js';

/**
 * Gives the just-materialised deliveries of a campaign with an experiment (its
 * users in (after, through]: one chunk) their arm (a deterministic hash of
 * experiment key and user id, see assignment.ts) and that arm's reward. Runs in
 * the chunk's transaction; rows that already have an arm are left alone, so
 * repeating it is harmless. Null without an experiment.
 */
export async function assignExperimentArms(trx: Transaction<Database>, campaignId: string, users: UserRange): Promise<Record<string, number> | null> {
  const experiment = await experimentOfCampaign(trx, campaignId);
  if (!experiment) return null;
  const allocation = experiment.allocation as Allocation;
  const byArm = new Map<string, (number | string)[]>();
  for (const d of await unassignedDeliveries(trx, campaignId, users)) {
    const arm = assignArm(experiment.key, d.user_id, allocation);
    const ids = byArm.get(arm) ?? [];
    ids.push(d.id);
    byArm.set(arm, ids);
  }
  const counts: Record<string, number> = {};
  for (const arm of experiment.arms) {
    const ids = byArm.get(arm.name) ?? [];
    counts[arm.name] = ids.length > 0 ? await setDeliveryArm(trx, ids, arm.name, { mechanism: arm.mechanism, amount: arm.amount }) : 0;
  }
  return counts;
}
