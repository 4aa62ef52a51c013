import type { QueueScaling, ScalingEntry } from './scaling-report.js';

/**
 * The three worker groups operations recommends running as separate processes, so each scales
 * on its own: high-volume delivery never delays an approval or a capacity measurement, and a
 * burst of notifications never holds up either. `WORKER_QUEUES` accepts a group's name for its
 * queues. A queue no group lists belongs to `agents`.
 */
export const WORKER_GROUPS = {
  delivery: ['deliveries', 'campaigns'],
  agents: ['ops-monitor', 'ops-control', 'growth-analysis', 'beta-screening', 'beta-analysis', 'approvals', 'approval-expiry', 'diagnostics'],
  notifications: ['telegram'],
} as const satisfies Record<string, readonly string[]>;

export type WorkerGroup = keyof typeof WORKER_GROUPS;
export const GROUP_NAMES = Object.keys(WORKER_GROUPS) as WorkerGroup[];

export function groupOf(queue: string): WorkerGroup {
  return GROUP_NAMES.find((group) => (WORKER_GROUPS[group] as readonly string[]).includes(queue)) ?? 'agents';
}

/** WORKER_QUEUES' names with each group name replaced by its queues (order kept, no repeats). */
export function expandWorkerQueues(names: readonly string[], known: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const members = (GROUP_NAMES as readonly string[]).includes(name) ? known.filter((queue) => groupOf(queue) === name) : [name];
    for (const queue of members) if (!out.includes(queue)) out.push(queue);
  }
  return out;
}

/** A process running these queues needs as many workers as its busiest queue (on a tie, the one with the most waiting). */
export function processEntry(queues: Record<string, QueueScaling>, minWorkers: number): ScalingEntry {
  const entries = Object.entries(queues);
  const current = Math.max(0, ...entries.map(([, q]) => q.currentWorkers));
  const busiest = entries.reduce<[string, QueueScaling] | null>(
    (best, item) => (!best || item[1].desiredWorkers > best[1].desiredWorkers || (item[1].desiredWorkers === best[1].desiredWorkers && item[1].backlog > best[1].backlog) ? item : best),
    null,
  );
  if (!busiest) return { desiredWorkers: minWorkers, currentWorkers: current, reason: 'idle', detail: 'no queues' };
  const [name, queue] = busiest;
  return { desiredWorkers: queue.desiredWorkers, currentWorkers: current, reason: queue.reason, detail: `${name}: ${queue.detail}` };
}

/**
 * The recommendation per Procfile process: one `worker` running every queue, or with
 * `perGroup` one process per worker group (named `delivery`, `agents`, `notifications`).
 */
export function recommendProcesses(queues: Record<string, QueueScaling>, minWorkers: number, perGroup: boolean, allProcess: string): Record<string, ScalingEntry> {
  if (!perGroup) return { [allProcess]: processEntry(queues, minWorkers) };
  return Object.fromEntries(
    GROUP_NAMES.map((group) => [group, processEntry(Object.fromEntries(Object.entries(queues).filter(([name]) => groupOf(name) === group)), minWorkers)]),
  );
}
