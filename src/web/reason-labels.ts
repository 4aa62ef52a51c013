import type { ControlReason } from '../ops/controller/controller-policy.js';
import type { ScalingReason } from '../ops/scaling/recommend-workers.js';

/** Scaling options the worker-pool labels quote (config ops.scaling). */
export interface ScalingLabelOptions {
  targetDrainSec: number;
  maxQueueAgeSec: number;
  scaleUpCooldownSec: number;
  scaleDownCooldownSec: number;
  stabilizationWindowSec: number;
  tolerance: number;
}

/** Why the Ops agent recommends this many workers, in words (every reason code has one). */
export function scalingReasonLabel(reason: ScalingReason, o: ScalingLabelOptions): string {
  const labels: Record<ScalingReason, string> = {
    backlog_drain: `drain the backlog within ${o.targetDrainSec} s`,
    queue_age: `the oldest waiting job is older than ${o.maxQueueAgeSec} s`,
    idle: 'nothing is waiting',
    throughput_unknown: 'no throughput measured yet: keep the current count',
    downstream_capacity: 'more workers would only wait on what the downstream takes',
    within_tolerance: `within ${Math.round(o.tolerance * 100)}% of the current count: no change`,
    stabilizing: `scale down only to the highest count of the last ${o.stabilizationWindowSec} s`,
    scale_up_cooldown: `waiting ${o.scaleUpCooldownSec} s after the last change before adding workers`,
    scale_down_cooldown: `waiting ${o.scaleDownCooldownSec} s after the last change before removing workers`,
  };
  return labels[reason] ?? reason;
}

const CONTROL_LABELS: Record<ControlReason, string> = {
  slow_start: 'starting slowly: doubling while latency stays near its baseline',
  increase: 'raising the limit: the downstream answers fast',
  steady: 'holding: a few errors, not enough to back off',
  app_limited: 'holding: fewer requests were in flight than allowed, so the limit is not tested',
  no_samples: 'holding: no request finished in the last window',
  retry_after_hold: 'holding below the downstream’s refusal until its Retry-After passes',
  overload_backoff: 'backing off: the downstream refused requests (429/503)',
  error_backoff: 'backing off: too many requests failed',
  latency_slo_backoff: 'backing off: latency is above the target',
  gradient_decrease: 'lowering the limit: latency is rising above its baseline',
  fast_decrease: 'cutting the limit fast: latency jumped',
  decrease_cooldown: 'waiting for the last decrease to take effect',
  probe_baseline: 're-measuring the downstream’s latency without load',
  fixed: 'a fixed limit (no adaptive control)',
};

/** What the send-rate controller is doing for a campaign, in words. */
export function controlReasonLabel(reason: string): string {
  return Object.hasOwn(CONTROL_LABELS, reason) ? CONTROL_LABELS[reason as ControlReason] : reason.replaceAll('_', ' ');
}
