import { opsMonitorQueue } from '../queues/ops-monitor.js';
import { monitorTick } from '../src/ops/monitor.js';
import { defineWorker } from './define.js';

export const opsMonitorWorker = defineWorker({
  queue: opsMonitorQueue,
  async process({ deps, traceId, eventLoop }) {
    const { id, snapshot } = await monitorTick(deps, traceId, eventLoop);
    return {
      snapshotId: id,
      redisRttMs: snapshot.redisRttMs,
      postgresRttMs: snapshot.postgresRttMs,
      desiredWorkers: snapshot.scaling.processes.worker?.desiredWorkers ?? null,
    };
  },
});
