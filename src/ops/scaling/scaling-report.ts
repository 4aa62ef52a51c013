import type { ScalingReason } from './recommend-workers.js';

/** One queue's or one Procfile process's worker recommendation. */
export interface ScalingEntry {
  desiredWorkers: number;
  currentWorkers: number;
  reason: ScalingReason;
  detail: string;
}

export interface QueueScaling extends ScalingEntry {
  backlog: number;
  oldestWaitingAgeMs: number | null;
  /** Jobs completed per second over the last interval, all workers together; null when not measured. */
  throughputPerSec: number | null;
}

/** What the Ops agent recommends for the worker pool, published at every monitor tick. */
export interface ScalingReport {
  at: string;
  traceId: string;
  /** Keyed by Procfile process name (HireFire's convention). */
  processes: Record<string, ScalingEntry>;
  queues: Record<string, QueueScaling>;
}

/** The Procfile process that runs every queue's workers. */
export const WORKER_PROCESS = 'worker';
