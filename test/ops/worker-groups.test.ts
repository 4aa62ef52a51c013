import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QUEUE_DEFINITIONS } from '../../queues/registry.js';
import type { QueueScaling } from '../../src/ops/scaling/scaling-report.js';
import { expandWorkerQueues, GROUP_NAMES, groupOf, recommendProcesses } from '../../src/ops/scaling/worker-groups.js';
import { selectWorkers } from '../../workers/start.js';

const queue = (desiredWorkers: number, currentWorkers: number, backlog = 0): QueueScaling => ({
  desiredWorkers,
  currentWorkers,
  reason: desiredWorkers > currentWorkers ? 'backlog_drain' : 'idle',
  detail: `${backlog} waiting`,
  backlog,
  oldestWaitingAgeMs: null,
  throughputPerSec: null,
});

describe('worker groups', () => {
  it('puts every queue in exactly one of delivery, agents and notifications', () => {
    assert.deepEqual(GROUP_NAMES, ['delivery', 'agents', 'notifications']);
    assert.equal(groupOf('deliveries'), 'delivery');
    assert.equal(groupOf('telegram'), 'notifications');
    assert.equal(groupOf('approvals'), 'agents');
    const names = QUEUE_DEFINITIONS.map((d) => d.name);
    const expanded = GROUP_NAMES.flatMap((group) => expandWorkerQueues([group], names));
    assert.deepEqual([...expanded].sort(), [...names].sort(), 'the three groups together take every queue once');
  });

  it('lets WORKER_QUEUES name a group, mixed with queue names, and names the groups on a typo', () => {
    const taken = (list: string) => selectWorkers(list).map((w) => w.queue.name).sort();
    assert.deepEqual(taken('delivery'), ['campaigns', 'deliveries']);
    assert.deepEqual(taken('notifications,diagnostics'), ['diagnostics', 'telegram']);
    assert.deepEqual(taken('deliveries,delivery'), ['campaigns', 'deliveries']);
    assert.throws(() => selectWorkers('deliverys'), /unknown queue "deliverys".*groups: delivery, agents, notifications/);
  });

  it('recommends workers per group, each from its own queues, or one worker process for all', () => {
    const queues = {
      deliveries: queue(6, 2, 5000),
      campaigns: queue(1, 2),
      'ops-monitor': queue(1, 1),
      approvals: queue(2, 1, 40),
      telegram: queue(3, 1, 900),
    };
    const grouped = recommendProcesses(queues, 1, true, 'worker');
    assert.deepEqual(Object.keys(grouped), ['delivery', 'agents', 'notifications']);
    assert.equal(grouped.delivery!.desiredWorkers, 6);
    assert.equal(grouped.delivery!.currentWorkers, 2);
    assert.match(grouped.delivery!.detail, /^deliveries:/);
    assert.equal(grouped.agents!.desiredWorkers, 2);
    assert.match(grouped.agents!.detail, /^approvals:/);
    assert.equal(grouped.notifications!.desiredWorkers, 3);
    const single = recommendProcesses(queues, 1, false, 'worker');
    assert.deepEqual(Object.keys(single), ['worker']);
    assert.equal(single.worker!.desiredWorkers, 6);
    // A group with no measured queue yet is recommended the minimum.
    assert.equal(recommendProcesses({ deliveries: queue(4, 4) }, 1, true, 'worker').notifications!.desiredWorkers, 1);
  });
});
