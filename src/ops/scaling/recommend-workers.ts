import { DEFAULT_SCALING_OPTIONS, type ScalingOptions } from './scaling-options.js';

export interface ScalingInput {
  now: number;
  /** waiting + prioritized + delayed jobs (QueueSnapshot.backlog). */
  backlog: number;
  /** Age of the oldest waiting job, or null when none waits. */
  oldestWaitingAgeMs: number | null;
  /**
   * Jobs per second ONE busy worker completes (per worker, not the pool's total):
   * completed jobs ÷ busy worker-seconds over the last interval. Null or 0 when not
   * measured (no worker busy); the last measured value is then used.
   */
  throughputPerSec: number | null;
  currentWorkers: number;
  /**
   * What the downstream takes, req/s (the controller's capacity estimate), when one
   * job is one request. Workers beyond capacity ÷ per-worker throughput would only wait
   * on the send-rate limit, so the pool is not grown past that.
   */
  downstreamCapacityPerSec?: number | null;
}

export type ScalingReason =
  | 'backlog_drain'
  | 'queue_age'
  | 'idle'
  | 'throughput_unknown'
  | 'downstream_capacity'
  | 'within_tolerance'
  | 'stabilizing'
  | 'scale_up_cooldown'
  | 'scale_down_cooldown';

export interface ScalingDecision {
  desiredWorkers: number;
  reason: ScalingReason;
  detail: string;
  /** desiredWorkers differs from the input's currentWorkers: an action is recommended. */
  changed: boolean;
}

export interface ScalingState {
  /** Raw recommendations within the stabilization window, oldest first. */
  recent: { at: number; workers: number }[];
  /** When the worker count was last seen to change. */
  lastScaleAt: number | null;
  lastSeenWorkers: number | null;
  perWorkerThroughput: number | null;
}

export const INITIAL_SCALING_STATE: ScalingState = { recent: [], lastScaleAt: null, lastSeenWorkers: null, perWorkerThroughput: null };

const clampTo = (n: number, o: ScalingOptions) => Math.min(o.maxWorkers, Math.max(o.minWorkers, n));

/**
 * Worker count for one queue, HPA-style: a raw count from backlog ÷ (per-worker
 * throughput × targetDrainSec) and from the oldest job's age, then scale-down
 * stabilized to the highest raw count within the window, then cooldowns counted from
 * the last observed change of the worker count, then the min/max bounds.
 */
export function recommendWorkers(
  state: ScalingState,
  input: ScalingInput,
  options: ScalingOptions = DEFAULT_SCALING_OPTIONS,
): { state: ScalingState; decision: ScalingDecision } {
  const o = options;
  if (o.minWorkers > o.maxWorkers) throw new RangeError(`minWorkers ${o.minWorkers} > maxWorkers ${o.maxWorkers}`);
  const { now, currentWorkers: current } = input;
  const perWorker = input.throughputPerSec !== null && input.throughputPerSec > 0 ? input.throughputPerSec : state.perWorkerThroughput;
  const scaled = state.lastSeenWorkers !== null && state.lastSeenWorkers !== current;
  const lastScaleAt = scaled ? now : state.lastScaleAt;

  const raw = rawRecommendation(input, perWorker, o);
  const recent = [...state.recent.filter((r) => r.at > now - o.stabilizationWindowSec * 1000), { at: now, workers: raw.workers }];
  const next: ScalingState = { recent, lastScaleAt, lastSeenWorkers: current, perWorkerThroughput: perWorker };

  // HPA's stabilizeRecommendation with no upscale window: up to the raw count at once,
  // down no further than the highest count recommended within the window.
  const ceiling = Math.max(...recent.map((r) => r.workers));
  let desired = Math.min(Math.max(current, raw.workers), ceiling);
  let reason = raw.reason;
  let detail = raw.detail;
  if (desired > raw.workers && desired < current) {
    reason = 'stabilizing';
    detail = `${raw.detail}; held at ${desired}, the highest recommendation of the last ${o.stabilizationWindowSec} s`;
  } else if (desired === current && raw.workers < current) {
    reason = 'stabilizing';
    detail = `${raw.detail}; ${ceiling} was recommended within the last ${o.stabilizationWindowSec} s`;
  }

  const sinceScaleSec = lastScaleAt === null ? Infinity : (now - lastScaleAt) / 1000;
  if (desired > current && sinceScaleSec < o.scaleUpCooldownSec) {
    detail = `${detail}; scale-up waits ${Math.ceil(o.scaleUpCooldownSec - sinceScaleSec)} s more (cooldown ${o.scaleUpCooldownSec} s)`;
    desired = current;
    reason = 'scale_up_cooldown';
  } else if (desired < current && sinceScaleSec < o.scaleDownCooldownSec) {
    detail = `${detail}; scale-down waits ${Math.ceil(o.scaleDownCooldownSec - sinceScaleSec)} s more (cooldown ${o.scaleDownCooldownSec} s)`;
    desired = current;
    reason = 'scale_down_cooldown';
  }
  // Bounds beat cooldowns: a pool outside them is brought back at once.
  desired = clampTo(desired, o);
  return { state: next, decision: { desiredWorkers: desired, reason, detail, changed: desired !== current } };
}

function rawRecommendation(input: ScalingInput, perWorker: number | null, o: ScalingOptions): { workers: number; reason: ScalingReason; detail: string } {
  const { backlog, currentWorkers: current } = input;
  if (backlog <= 0) return { workers: o.minWorkers, reason: 'idle', detail: `no backlog: ${o.minWorkers} (minWorkers)` };

  // `exact` stays unrounded until the tolerance check, as HPA compares the metric ratio, not the rounded count.
  let exact: number;
  let reason: ScalingReason;
  let detail: string;
  if (perWorker === null) {
    exact = Math.max(current, 1);
    reason = 'throughput_unknown';
    detail = `${backlog} waiting, no throughput measured yet: keep ${exact}`;
  } else {
    exact = backlog / (perWorker * o.targetDrainSec);
    reason = 'backlog_drain';
    detail = `${backlog} waiting ÷ (${perWorker.toFixed(1)}/s per worker × ${o.targetDrainSec} s) = ${exact.toFixed(2)}`;
  }
  const ageSec = (input.oldestWaitingAgeMs ?? 0) / 1000;
  if (ageSec > o.maxQueueAgeSec) {
    const byAge = Math.max(current, 1) * (ageSec / o.maxQueueAgeSec);
    if (byAge > exact) {
      exact = byAge;
      reason = 'queue_age';
      detail = `oldest job waited ${Math.round(ageSec)} s > ${o.maxQueueAgeSec} s: ${Math.max(current, 1)} × ${(ageSec / o.maxQueueAgeSec).toFixed(2)} = ${exact.toFixed(2)}`;
    }
  }
  const capacity = input.downstreamCapacityPerSec;
  if (perWorker !== null && capacity !== undefined && capacity !== null && capacity > 0) {
    const useful = Math.max(1, capacity / perWorker);
    if (exact > useful) {
      detail = `${detail}; capped at ${useful.toFixed(2)}: the downstream takes ${capacity.toFixed(1)}/s`;
      exact = useful;
      reason = 'downstream_capacity';
    }
  }
  if (current > 0 && Math.abs(exact / current - 1) <= o.tolerance) {
    return { workers: clampTo(current, o), reason: 'within_tolerance', detail: `${detail}; within ${o.tolerance * 100}% of ${current}: no change` };
  }
  return { workers: clampTo(Math.ceil(exact), o), reason, detail };
}
