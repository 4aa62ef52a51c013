import type { Config } from '../../config/schema.js';
import { adaptiveController } from './adaptive-controller.js';
import { aimdController } from './aimd-controller.js';
import type { ControllerPolicy } from './controller-policy.js';
import { fixedController } from './fixed-controller.js';

/** The send-rate policy config names: adaptive in production; AIMD and fixed exist to be compared against. */
export function controllerPolicy(control: Config['ops']['control']): ControllerPolicy<unknown> {
  if (control.policy === 'aimd') return aimdController({ maxLimit: control.maxConcurrency }) as ControllerPolicy<unknown>;
  if (control.policy === 'fixed') return fixedController({ limit: control.fixedLimit, ratePerSec: control.fixedRatePerSec, batchSize: control.fixedBatchSize }) as ControllerPolicy<unknown>;
  return adaptiveController({ latencySloMs: control.latencySloMs, maxLimit: control.maxConcurrency }) as ControllerPolicy<unknown>;
}
