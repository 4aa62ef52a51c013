import type { WorkerDefinition } from './define.js';
import { diagnosticsWorker } from './diagnostics.js';
import { opsMonitorWorker } from './ops-monitor.js';

/** One processor per queue in queues/registry.ts. */
export const WORKER_DEFINITIONS: readonly WorkerDefinition[] = [opsMonitorWorker, diagnosticsWorker];
