import type { ActionContext, ActionHandler } from '../actions/registry.js';
import { appendAudit } from '../audit/store.js';
import type { Deps } from '../deps.js';
import { armShares, reallocate } from './reallocate.js';
import { getExperiment, lockExperiment, setUndeliveredReward, updateExperimentArms } from './store.js';

/** Two amounts or shares read back from JSON and recomputed from weights agree to this. */
const SAME = 1e-9;

const experimentIdOf = (payload: Record<string, unknown>) => String(payload.experimentId);

async function currentArm(deps: Deps, payload: Record<string, unknown>) {
  const experiment = await getExperiment(deps.db, experimentIdOf(payload));
  const arm = experiment?.arms.find((a) => a.name === payload.arm);
  return { experiment, arm };
}

/**
 * The value an approval was decided on, as it is now: unchanged when it still
 * holds (within rounding), else the current value, so the payload hash no
 * longer matches and the approval is void (someone changed the arm meanwhile).
 */
function still(approved: unknown, now: number | null): number | null {
  return typeof approved === 'number' && now !== null && Math.abs(approved - now) < SAME ? approved : now;
}

type Outcome = Record<string, unknown>;

async function changeArm(
  deps: Deps,
  params: Record<string, unknown>,
  context: ActionContext,
  action: string,
  change: (trx: Parameters<typeof reallocate>[0], experiment: NonNullable<Awaited<ReturnType<typeof lockExperiment>>>, at: Date) => Promise<Outcome | null>,
): Promise<Outcome> {
  const at = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const experiment = await lockExperiment(trx, experimentIdOf(params));
    if (!experiment) return { changed: false, reason: `no experiment ${experimentIdOf(params)}` };
    const result = await change(trx, experiment, at);
    if (!result) return { changed: false, reason: `arm ${String(params.arm)} changed since the proposal` };
    await appendAudit(trx, {
      traceId: context.traceId,
      actor: context.actor,
      channel: 'system',
      action,
      subjectType: 'experiment',
      subjectId: experiment.id,
      data: { arm: params.arm, approval: context.approvalId, ...result },
      at,
    });
    return { changed: true, ...result };
  });
}

/**
 * `reward.adjust`: a new reward amount for one arm. It applies to deliveries
 * not made yet (the arm's config and its pending deliveries); users already
 * reached keep what they were sent.
 */
export const rewardAdjustAction: ActionHandler = {
  kind: 'reward.adjust',
  async currentParams(deps, payload) {
    const { arm } = await currentArm(deps, payload);
    return { ...payload, from: still(payload.from, arm?.amount ?? null) };
  },
  async apply(deps, params, context) {
    const to = Number(params.to);
    return changeArm(deps, params, context, 'experiment.reward_changed', async (trx, experiment, at) => {
      const arm = experiment.arms.find((a) => a.name === params.arm);
      if (!arm || Math.abs(arm.amount - Number(params.from)) >= SAME) return null;
      const arms = experiment.arms.map((a) => (a.name === arm.name ? { ...a, amount: to, changedAt: at.toISOString() } : a));
      await updateExperimentArms(trx, experiment.id, { arms, at });
      const undeliveredUpdated = await setUndeliveredReward(trx, experiment.campaign_id, arm.name, { mechanism: arm.mechanism, amount: to });
      return { mechanism: arm.mechanism, from: arm.amount, to, undeliveredUpdated };
    });
  },
};

/** `traffic.shift`: moves `shiftPercent` points of traffic from the control to the arm, for deliveries not made yet. */
export const trafficShiftAction: ActionHandler = {
  kind: 'traffic.shift',
  async currentParams(deps, payload) {
    const { experiment } = await currentArm(deps, payload);
    const share = experiment ? (armShares(experiment.arms)[String(payload.arm)] ?? null) : null;
    return { ...payload, fromShare: still(payload.fromShare, share) };
  },
  async apply(deps, params, context) {
    return changeArm(deps, params, context, 'experiment.traffic_shifted', async (trx, experiment, at) => {
      const shares = armShares(experiment.arms);
      const arm = String(params.arm);
      const shift = Number(params.toShare) - Number(params.fromShare);
      if (shares[arm] === undefined || Math.abs(shares[arm] - Number(params.fromShare)) >= SAME) return null;
      const control = experiment.control_arm;
      const weights = { ...shares, [arm]: shares[arm] + shift, [control]: Math.max(0, (shares[control] ?? 0) - shift) };
      const result = await reallocate(trx, experiment, weights, at, [arm]);
      return { from: shares[arm], to: weights[arm], weights: result.weights, movedDeliveries: result.moved };
    });
  },
};

/** `arm.stop`: the arm gets no more traffic; its share returns to the control, for deliveries not made yet. */
export const armStopAction: ActionHandler = {
  kind: 'arm.stop',
  async currentParams(deps, payload) {
    const { experiment } = await currentArm(deps, payload);
    const share = experiment ? (armShares(experiment.arms)[String(payload.arm)] ?? null) : null;
    return { ...payload, fromShare: still(payload.fromShare, share) };
  },
  async apply(deps, params, context) {
    return changeArm(deps, params, context, 'experiment.arm_stopped', async (trx, experiment, at) => {
      const shares = armShares(experiment.arms);
      const arm = String(params.arm);
      if (arm === experiment.control_arm || !(shares[arm]! > 0)) return null;
      const control = experiment.control_arm;
      const weights = { ...shares, [arm]: 0, [control]: (shares[control] ?? 0) + shares[arm]! };
      const result = await reallocate(trx, experiment, weights, at, [arm]);
      return { from: shares[arm], to: 0, weights: result.weights, movedDeliveries: result.moved };
    });
  },
};

/** The growth strategist's actions, for the action registry. */
export const GROWTH_ACTIONS: readonly ActionHandler[] = [rewardAdjustAction, trafficShiftAction, armStopAction];
