import { opsMonitorQueue } from '../queues/ops-monitor.js';
import { takeSnapshot } from '../src/ops/snapshot.js';
import { saveSnapshot } from '../src/ops/store.js';
import { defineWorker } from './define.js';

export const opsMonitorWorker = defineWorker({
  queue: opsMonitorQueue,
  async process({ deps, traceId, eventLoop }) {
    const snapshot = await takeSnapshot(deps, eventLoop);
    const row = await saveSnapshot(deps.db, traceId, snapshot, deps.clock.now());
    return { snapshotId: String(row.id), redisRttMs: snapshot.redisRttMs, postgresRttMs: snapshot.postgresRttMs };
  },
});
