import { opsControlWorker } from './ops-control.js';
import { campaignsWorker } from './campaigns.js';
import { deliveriesWorker } from './deliveries.js';
import { deliveryRetentionWorker } from './delivery-retention.js';
import { approvalExpiryWorker } from './approval-expiry.js';
import { approvalsWorker } from './approvals.js';
import { approvalWebhooksWorker } from './approval-webhooks.js';
import { betaAnalysisWorker } from './beta-analysis.js';
import { betaScreeningWorker } from './beta-screening.js';
import type { WorkerDefinition } from './define.js';
import { growthAnalysisWorker } from './growth-analysis.js';
import { diagnosticsWorker } from './diagnostics.js';
import { opsMonitorWorker } from './ops-monitor.js';
import { telegramWorker } from './telegram.js';

/** One processor per queue in queues/registry.ts. */
export const WORKER_DEFINITIONS: readonly WorkerDefinition[] = [
  opsMonitorWorker,
  approvalExpiryWorker,
  approvalsWorker,
  approvalWebhooksWorker,
  telegramWorker,
  campaignsWorker,
  deliveriesWorker,
  deliveryRetentionWorker,
  opsControlWorker,
  diagnosticsWorker,
  betaScreeningWorker,
  betaAnalysisWorker,
  growthAnalysisWorker,
];
