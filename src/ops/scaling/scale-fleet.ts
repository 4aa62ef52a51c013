import { appendAudit } from '../../audit/store.js';
import type { Deps } from '../../deps.js';
import type { QueueSnapshot } from '../snapshot.js';
import { recommendWorkers, type ScalingState } from './recommend-workers.js';
import { type QueueScaling, type ScalingEntry, type ScalingReport, WORKER_PROCESS } from './scaling-report.js';
import { initialScalingState, loadScalingReport, loadScalingStates, saveScaling } from './scaling-store.js';
import type { ScalingOptions } from './scaling-options.js';
import { recommendProcesses } from './worker-groups.js';

export interface QueueMeasurement {
  at: Date;
  queues: Record<string, QueueSnapshot>;
}

/**
 * Jobs per second one worker completed over the interval, or null when it cannot be
 * told: an interval with nothing waiting measures the load, not the workers' speed.
 */
function perWorkerThroughput(now: QueueSnapshot, before: QueueSnapshot | undefined, elapsedSec: number): { total: number | null; perWorker: number | null } {
  // Snapshots older than the completed counter carry none.
  if (!before || typeof before.completedTotal !== 'number' || elapsedSec <= 0) return { total: null, perWorker: null };
  const total = Math.max(0, now.completedTotal - before.completedTotal) / elapsedSec;
  const busy = before.backlog > 0 || now.backlog > 0 || now.active > 0;
  return { total, perWorker: busy && total > 0 && now.workers > 0 ? total / now.workers : null };
}

/** Per minute, how much of its weight the best speed seen keeps against new measurements. */
const SPEED_MEMORY_PER_MIN = 0.9;

/**
 * A worker's speed: a measurement over an interval in which the workers idled part of
 * the time is only a lower bound (a burst drained early, then nothing), and taken at face
 * value it would ask for far too many workers. So the best speed seen wins, decaying
 * slowly so that a real slowdown (a slower downstream) still shows within minutes.
 */
function speedEstimate(measured: number | null, known: number | null, elapsedSec: number): number | null {
  if (measured === null) return null;
  if (known === null) return measured;
  return Math.max(measured, known * SPEED_MEMORY_PER_MIN ** (elapsedSec / 60));
}

/**
 * Recommends the worker pool from backlog, the oldest job's age and throughput per
 * queue (see recommendWorkers), publishes it for /metrics and HireFire, and when the
 * desired count of a process changes (`worker`, or each worker group with ops.scaling.perGroup),
 * audits it and calls the webhook.
 */
export async function scaleFleet(deps: Deps, current: QueueMeasurement, previous: QueueMeasurement | null, traceId: string): Promise<ScalingReport> {
  const { scaling } = deps.config.ops;
  const options: ScalingOptions = {
    minWorkers: scaling.minWorkers,
    maxWorkers: scaling.maxWorkers,
    targetDrainSec: scaling.targetDrainSec,
    maxQueueAgeSec: scaling.maxQueueAgeSec,
    scaleUpCooldownSec: scaling.scaleUpCooldownSec,
    scaleDownCooldownSec: scaling.scaleDownCooldownSec,
    stabilizationWindowSec: scaling.stabilizationWindowSec,
    tolerance: scaling.tolerance,
  };
  const nowMs = current.at.getTime();
  const elapsedSec = previous ? (nowMs - previous.at.getTime()) / 1000 : 0;
  const states = await loadScalingStates(deps.redis, deps.queues.prefix);
  const nextStates: Record<string, ScalingState> = {};
  const queues: Record<string, QueueScaling> = {};
  for (const [name, queue] of Object.entries(current.queues)) {
    const throughput = perWorkerThroughput(queue, previous?.queues[name], elapsedSec);
    const state0 = states[name] ?? initialScalingState();
    const { state, decision } = recommendWorkers(
      state0,
      { now: nowMs, backlog: queue.backlog, oldestWaitingAgeMs: queue.oldestWaitingAgeMs, throughputPerSec: speedEstimate(throughput.perWorker, state0.perWorkerThroughput, elapsedSec), currentWorkers: queue.workers },
      options,
    );
    nextStates[name] = state;
    queues[name] = {
      desiredWorkers: decision.desiredWorkers,
      currentWorkers: queue.workers,
      reason: decision.reason,
      detail: decision.detail,
      backlog: queue.backlog,
      oldestWaitingAgeMs: queue.oldestWaitingAgeMs,
      throughputPerSec: throughput.total,
    };
  }
  const report: ScalingReport = {
    at: current.at.toISOString(),
    traceId,
    processes: recommendProcesses(queues, options.minWorkers, scaling.perGroup, WORKER_PROCESS),
    queues,
  };
  const before = await loadScalingReport(deps.redis, deps.queues.prefix);
  await saveScaling(deps.redis, deps.queues.prefix, nextStates, report);
  for (const [process, entry] of Object.entries(report.processes)) {
    const previousDesired = before?.processes[process]?.desiredWorkers ?? entry.currentWorkers;
    if (entry.desiredWorkers !== previousDesired) await announce(deps, process, entry, previousDesired, report);
  }
  return report;
}

async function announce(deps: Deps, process: string, entry: ScalingEntry, previousDesired: number, report: ScalingReport) {
  const data = { process, from: previousDesired, to: entry.desiredWorkers, currentWorkers: entry.currentWorkers, reason: entry.reason, detail: entry.detail };
  await appendAudit(deps.db, {
    at: new Date(report.at),
    traceId: report.traceId,
    actor: 'ops',
    channel: 'system',
    action: 'scaling.recommended',
    subjectType: 'process',
    subjectId: process,
    data,
  });
  deps.logger.info({ traceId: report.traceId, ...data }, 'desired workers changed');
  const url = deps.config.ops.scaling.webhookUrl;
  if (!url) return;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trace-id': report.traceId },
      body: JSON.stringify({ ...data, at: report.at, traceId: report.traceId }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) deps.logger.warn({ traceId: report.traceId, status: response.status }, 'scaling webhook refused');
  } catch (error) {
    deps.logger.warn({ traceId: report.traceId, err: error }, 'scaling webhook failed');
  }
}
