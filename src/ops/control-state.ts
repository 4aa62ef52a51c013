import type { OperatorCap } from '../campaign-runtime/runtime.js';
import type { AutopauseState } from './autopause/evaluate-autopause.js';
import type { CapacityState, WindowKind } from './capacity-estimator.js';
import type { ControlDecision } from './controller/controller-policy.js';

/** What the Ops agent remembers about one campaign between control steps (the runtime keeps it; rebuilt from scratch if lost). */
export interface CampaignControl {
  /** The send-rate policy's own state (adaptive by default). */
  controller: unknown;
  lastStepAt: number;
  autopause: AutopauseState;
  windowStartedAt: number;
  lastDecision: ControlDecision | null;
  resumeRequested: boolean;
  /**
   * When the campaign last resumed from a pause (ms): the pause judge reads no answer from
   * before it, or the collapse that caused the pause would pause it again at once.
   */
  resumedAt?: number;
  /** The downstream's capacity as this campaign's windows showed it (absent in state saved before it existed). */
  capacity?: CapacityState;
  /** How the last window was marked, and why. */
  lastWindow?: { kind: WindowKind; why: string };
}

/** The decision within the operator's ceiling. */
export function capDecision(decision: ControlDecision, cap: OperatorCap): ControlDecision {
  return {
    ...decision,
    limit: Math.min(decision.limit, cap.concurrency ?? Infinity),
    ratePerSec: Math.min(decision.ratePerSec, cap.ratePerSec ?? Infinity),
    batchSize: Math.min(decision.batchSize, cap.batchSize ?? Infinity),
  };
}
