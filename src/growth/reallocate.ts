import type { Transaction } from 'kysely';
import type { Database, ExperimentArmRow } from '../db/schema.js';
import { type Allocation, assignArm, reweightAllocation } from './assignment.js';
import { type ExperimentRow, setDeliveryArm, undeliveredDeliveries, updateExperimentArms } from './store.js';

export interface Reallocation {
  weights: Record<string, number>;
  /** Deliveries still to be made that changed arm (and so reward). */
  moved: number;
}

/**
 * New traffic weights for an experiment, for deliveries not made yet: the
 * allocation is re-weighted so the fewest users change arm, and each pending
 * delivery whose slot changed owner gets its new arm and that arm's reward.
 * Delivered users keep the arm they were exposed to. Arms missing from
 * `weights` or weighted 0 get no new traffic. Call with the experiment row locked.
 */
export async function reallocate(trx: Transaction<Database>, experiment: ExperimentRow, weights: Record<string, number>, at: Date, changed: readonly string[] = []): Promise<Reallocation> {
  const arms: ExperimentArmRow[] = experiment.arms.map((a) => ({
    ...a,
    weight: weights[a.name] ?? 0,
    ...(changed.includes(a.name) ? { changedAt: at.toISOString() } : {}),
  }));
  const allocation = reweightAllocation(
    experiment.allocation as Allocation,
    arms.filter((a) => a.weight > 0).map((a) => ({ arm: a.name, weight: a.weight })),
  );
  const byArm = new Map<string, (number | string)[]>();
  for (const d of await undeliveredDeliveries(trx, experiment.campaign_id)) {
    const arm = assignArm(experiment.key, d.user_id, allocation);
    if (arm === d.arm) continue;
    const ids = byArm.get(arm) ?? [];
    ids.push(d.id);
    byArm.set(arm, ids);
  }
  let moved = 0;
  for (const arm of arms) {
    const ids = byArm.get(arm.name);
    if (ids) moved += await setDeliveryArm(trx, ids, arm.name, { mechanism: arm.mechanism, amount: arm.amount });
  }
  await updateExperimentArms(trx, experiment.id, { arms, allocation, at });
  return { weights: Object.fromEntries(arms.map((a) => [a.name, a.weight])), moved };
}

/** Normalised traffic shares of the arms, in arm order. */
export function armShares(arms: readonly ExperimentArmRow[]): Record<string, number> {
  const total = arms.reduce((s, a) => s + a.weight, 0);
  return Object.fromEntries(arms.map((a) => [a.name, total > 0 ? a.weight / total : 0]));
}
