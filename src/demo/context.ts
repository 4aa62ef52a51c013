import type { ApiClient } from './api-client.js';
import type { ApprovalContext } from './approvals.js';
import type { Reporter } from './reporter.js';
import type { DemoData } from './synthetic-data.js';

/** The simulated downstream as the scenario drives it: its URL, secret and runtime controls. */
export interface DownstreamHandle {
  url: string;
  secret: string;
  /** `POST /_control` with a partial config (capacity, baseLatencyMs, …). */
  configure(patch: Record<string, unknown>): Promise<void>;
  stats(): Promise<{ received: number; ok: number; refused: number; errors: number; probes: number; messagesDelivered: number }>;
}

/** What the scenario found out, for the summary. */
export interface DemoFacts {
  data?: { tenants: number; users: number; events: number; feedback: number };
  warmup?: { campaignId: string; delivered: number; measuredCapacityPerSec: number | null };
  plan?: { campaignId: string; audienceSize: number; capacityPerSec: number; capacitySource: string; sendRatePerSec: number; etaSec: number | null; waves: number; reason: string };
  launch?: { approvalId: string; resolution: string | null };
  adaptation?: { capacityBefore: number; capacityAfter: number; limitBefore: number | null; limitAfter: number | null; rateBefore: number; rateAfter: number };
  pause?: { reason: string; pausedAfterSec: number; resumeApprovalId: string; resolution: string | null };
  campaign?: { id: string; status: string; delivered: number; failed: number; total: number; durationSec: number };
  experiment?: { key: string; exposuresByArm: Record<string, { users: number; conversions: number }>; winner: string | null; proposals: { kind: string; arm: string; from: number; to: number; outcome: string; requestId?: string }[]; rewardAfter: Record<string, number> };
  beta?: { tenantsScreened: number; candidates: { tenantId: string; score: number }[]; themes: number; stories: { title: string; points: number; committed: boolean }[]; committedPoints: number; capacity: number; reportPath: string };
}

export interface DemoContext {
  /** As the `demo` operator: data, campaigns, jobs. */
  api: ApiClient;
  reporter: Reporter;
  approvals: ApprovalContext;
  downstream: DownstreamHandle;
  data: DemoData;
  seed: number;
  /** Where the sprint report and logs go. */
  workDir: string;
  facts: DemoFacts;
}
