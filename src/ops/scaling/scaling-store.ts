import type { RedisClient as Redis } from '../../redis/connect.js';
import { INITIAL_SCALING_STATE, type ScalingState } from './recommend-workers.js';
import type { ScalingReport } from './scaling-report.js';

// One hash tag for both: saveScaling writes them in one MULTI, which a Redis Cluster allows only within a slot.
const stateKey = (prefix: string) => `{${prefix}:ops:scaling}:state`;
const reportKey = (prefix: string) => `{${prefix}:ops:scaling}:report`;

/** Per-queue recommender state (stabilisation window, cooldowns); rebuilt from scratch if Redis loses it. */
export async function loadScalingStates(redis: Redis, prefix: string): Promise<Record<string, ScalingState>> {
  const raw = await redis.hgetall(stateKey(prefix));
  return Object.fromEntries(Object.entries(raw).map(([queue, json]) => [queue, JSON.parse(json) as ScalingState]));
}

export const initialScalingState = (): ScalingState => ({ ...INITIAL_SCALING_STATE, recent: [] });

export async function saveScaling(redis: Redis, prefix: string, states: Record<string, ScalingState>, report: ScalingReport): Promise<void> {
  const multi = redis.multi().set(reportKey(prefix), JSON.stringify(report));
  if (Object.keys(states).length > 0) {
    multi.hset(stateKey(prefix), Object.fromEntries(Object.entries(states).map(([queue, state]) => [queue, JSON.stringify(state)])));
  }
  await multi.exec();
}

/** The latest published recommendation, for /metrics, the HireFire endpoint and the ops API. */
export async function loadScalingReport(redis: Redis, prefix: string): Promise<ScalingReport | null> {
  const raw = await redis.get(reportKey(prefix));
  return raw ? (JSON.parse(raw) as ScalingReport) : null;
}
