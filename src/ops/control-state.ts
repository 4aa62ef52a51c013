import type { RedisClient as Redis } from '../redis/connect.js';
import type { AutopauseState } from './autopause/evaluate-autopause.js';
import type { ControlDecision } from './controller/controller-policy.js';

/** What the Ops agent remembers about one campaign between control steps (Redis, rebuilt from scratch if lost). */
export interface CampaignControl {
  /** The send-rate policy's own state (adaptive by default). */
  controller: unknown;
  lastStepAt: number;
  autopause: AutopauseState;
  windowStartedAt: number;
  lastDecision: ControlDecision | null;
  resumeRequested: boolean;
}

/** An operator's ceiling on a campaign's limits; the controller never goes above it. */
export interface OperatorCap {
  concurrency?: number;
  ratePerSec?: number;
  batchSize?: number;
}

const stateKey = (prefix: string, id: string) => `${prefix}:ops:control:${id}`;
const capKey = (prefix: string, id: string) => `${prefix}:ops:cap:${id}`;

export async function loadControl(redis: Redis, prefix: string, id: string): Promise<CampaignControl | null> {
  const raw = await redis.get(stateKey(prefix, id));
  return raw ? (JSON.parse(raw) as CampaignControl) : null;
}

export async function saveControl(redis: Redis, prefix: string, id: string, control: CampaignControl): Promise<void> {
  await redis.set(stateKey(prefix, id), JSON.stringify(control), 'PX', 7 * 24 * 3600 * 1000);
}

export async function loadCap(redis: Redis, prefix: string, id: string): Promise<OperatorCap> {
  const raw = await redis.get(capKey(prefix, id));
  return raw ? (JSON.parse(raw) as OperatorCap) : {};
}

export async function saveCap(redis: Redis, prefix: string, id: string, cap: OperatorCap): Promise<void> {
  await redis.set(capKey(prefix, id), JSON.stringify(cap));
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
