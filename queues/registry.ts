import { opsControlQueue } from './ops-control.js';
import { campaignsQueue } from './campaigns.js';
import { deliveriesQueue } from './deliveries.js';
import { deliveryRetentionQueue } from './delivery-retention.js';
import { approvalExpiryQueue } from './approval-expiry.js';
import { approvalsQueue } from './approvals.js';
import { approvalWebhooksQueue } from './approval-webhooks.js';
import { betaAnalysisQueue } from './beta-analysis.js';
import { betaScreeningQueue } from './beta-screening.js';
import type { QueueDefinition } from './define.js';
import { growthAnalysisQueue } from './growth-analysis.js';
import { diagnosticsQueue } from './diagnostics.js';
import { opsMonitorQueue } from './ops-monitor.js';
import { telegramQueue } from './telegram.js';

/** Every queue Flywheel has. A queue exists only if it is listed here. */
export const QUEUE_DEFINITIONS: readonly QueueDefinition[] = [
  opsMonitorQueue,
  approvalExpiryQueue,
  approvalsQueue,
  approvalWebhooksQueue,
  telegramQueue,
  campaignsQueue,
  deliveriesQueue,
  deliveryRetentionQueue,
  opsControlQueue,
  diagnosticsQueue,
  betaScreeningQueue,
  betaAnalysisQueue,
  growthAnalysisQueue,
];

export function findQueueDefinition(name: string): QueueDefinition | undefined {
  return QUEUE_DEFINITIONS.find((definition) => definition.name === name);
}
