import type { ControllerPolicy, ControllerStepResult } from './controller-policy.js';

/** A constant limit, rate and batch size from configuration: the baseline the adaptive controller is measured against. */
export interface FixedOptions {
  /** @defaultValue 20 */
  limit: number;
  /** @defaultValue 50 */
  ratePerSec: number;
  /** @defaultValue 50 */
  batchSize: number;
}

export const DEFAULT_FIXED_OPTIONS: FixedOptions = { limit: 20, ratePerSec: 50, batchSize: 50 };

/** The fixed policy keeps no state; the type keeps the common interface. */
export type FixedState = Record<string, never>;

export function stepFixed(
  state: FixedState,
  _stats: unknown,
  _now: number,
  options: FixedOptions = DEFAULT_FIXED_OPTIONS,
): ControllerStepResult<FixedState> {
  const { limit, ratePerSec, batchSize } = options;
  return { state, decision: { limit, ratePerSec, batchSize, reason: 'fixed', detail: `fixed limit ${limit}, ${ratePerSec}/s` } };
}

export function fixedController(options: Partial<FixedOptions> = {}): ControllerPolicy<FixedState> {
  const o = { ...DEFAULT_FIXED_OPTIONS, ...options };
  return { name: 'fixed', initialState: () => ({}), step: (state, stats, now) => stepFixed(state, stats, now, o) };
}
