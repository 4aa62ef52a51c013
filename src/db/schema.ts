import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { Channel } from '../vocabulary/channels.js';
import type { ApprovalStatus } from '../vocabulary/approval-statuses.js';
import type { Priority } from '../vocabulary/priorities.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface JobRunsTable {
  id: Generated<string>;
  queue: string;
  job_id: string;
  job_name: string;
  trace_id: string;
  attempt: number;
  worker: string;
  status: 'running' | 'completed' | 'failed';
  result: Json | null;
  error: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface OpsSnapshotsTable {
  id: Generated<string>;
  taken_at: ColumnType<Date, Date | string | undefined, never>;
  trace_id: string;
  data: JSONColumnType<Record<string, unknown>>;
}

export interface ApprovalRequestsTable {
  id: string;
  trace_id: string;
  kind: string;
  payload: JSONColumnType<Record<string, unknown>>;
  payload_hash: string;
  summary: string;
  requester: string;
  priority: Priority;
  status: ApprovalStatus;
  required_channels: JSONColumnType<Channel[]>;
  require_distinct_approvers: boolean;
  reasons: JSONColumnType<string[]>;
  created_at: Timestamp;
  expires_at: Timestamp;
  escalate_at: Timestamp;
  escalated_at: Timestamp | null;
  decided_at: Timestamp | null;
  resolution: string | null;
  used_at: Timestamp | null;
  idempotency_key: string | null;
  /** `internal` (Flywheel's agents) or `external` (POST /api/v1/approvals). */
  source: ColumnType<'internal' | 'external', 'internal' | 'external' | undefined, never>;
  title: string | null;
  /** The person behind the requester, for four eyes (null: compare the name). */
  requester_person: string | null;
  /** The token id that filed an external request: it alone may read it. */
  client_id: string | null;
  callback_url: string | null;
  /** Why an approved request was not applied (e.g. `payload_changed`). */
  use_refused: string | null;
  evaluation: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}

export interface ApprovalDecisionsTable {
  id: Generated<number>;
  request_id: string;
  channel: Channel;
  actor: string;
  decision: 'approve' | 'reject';
  reason: string;
  payload_hash: string;
  decided_at: Timestamp;
  actor_person: string | null;
}

export interface AuditLogTable {
  /** Insertion order (a sequence): what the entry is known by before it is sealed. */
  id: Generated<number>;
  /** Position in the hash chain, 1, 2, 3… with no gaps; null until the sealer links the entry (src/audit/seal.ts). */
  seq: number | null;
  at: Timestamp;
  trace_id: string;
  actor: string;
  channel: string;
  action: string;
  subject_type: string;
  subject_id: string;
  data: JSONColumnType<Record<string, unknown>>;
  prev_hash: string | null;
  hash: string | null;
}

export interface TelegramMessagesTable {
  request_id: string;
  chat_id: number;
  message_id: number;
  purpose: 'request' | 'escalation' | 'voided';
  closed_at: Timestamp | null;
}

export interface TelegramUpdatesTable {
  update_id: number;
  received_at: Timestamp;
}

export interface TenantsTable {
  id: string;
  name: string;
  plan: ColumnType<string, string | undefined, string>;
  seats: ColumnType<number, number | undefined, number>;
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  email: string | null;
  name: string | null;
  attributes: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export type CampaignStatus = 'draft' | 'pending_approval' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled' | 'failed';

export interface CampaignsTable {
  id: string;
  name: string;
  status: CampaignStatus;
  /** Read only where it is used (getCampaignAudience): a list holds up to 200,000 ids. */
  audience: JSONColumnType<Record<string, unknown>>;
  /** What the API shows of the audience (0016h): a list's ids counted, its variables never shown. Null in rows of the version before: read through CAMPAIGN_COLUMNS. */
  audience_summary: ColumnType<Record<string, unknown> | null, string | undefined, string>;
  template: string;
  reward: JSONColumnType<{ mechanism: string; amount: number }>;
  channel: JSONColumnType<{ url: string; headers: Record<string, string>; mode: 'single' | 'batch'; maxBatch: number; timeoutMs: number }>;
  channel_secret: string;
  start_at: Timestamp | null;
  max_attempts: number;
  audience_size: number | null;
  status_reason: string | null;
  approval_id: string | null;
  trace_id: string;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  launched_at: Timestamp | null;
  finished_at: Timestamp | null;
  limits_cap: ColumnType<{ concurrency?: number; ratePerSec?: number; batchSize?: number }, string | undefined, string>;
  /** Recipients written so far by the launch's materialisation, and the last user id written (0016). */
  materialised_count: Generated<number>;
  materialised_cursor: string | null;
  /** Batch jobs queued so far: the next chunk's first batch number (0016g). */
  materialised_batches: Generated<number>;
  /** Set once every recipient has its delivery row. */
  materialised_at: Timestamp | null;
  /** What a launch approval binds, hashed at creation (0016i, campaigns/content-hash.ts); null in rows of the version before. */
  content_hash: ColumnType<string | null, string, string>;
}

export type DeliveryStatus = 'pending' | 'retry' | 'delivered' | 'dead';

export interface DeliveriesTable {
  id: Generated<number>;
  campaign_id: string;
  user_id: string;
  batch_no: number;
  status: DeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  http_status: number | null;
  latency_ms: number | null;
  last_error: string | null;
  variables: JSONColumnType<Record<string, string>>;
  reward: JSONColumnType<{ mechanism: string; amount: number }>;
  arm: string | null;
  updated_at: Timestamp;
  delivered_at: Timestamp | null;
}

/** A campaign's deliveries by status, kept by the statements that change them (migration 0016b). */
export interface CampaignDeliveryCountsTable {
  campaign_id: string;
  pending: ColumnType<number, number | undefined, number>;
  retry: ColumnType<number, number | undefined, number>;
  delivered: ColumnType<number, number | undefined, number>;
  dead: ColumnType<number, number | undefined, number>;
}

/** A campaign's deliveries per second (epoch seconds of delivered_at), for its send rate (migration 0016b). */
export interface CampaignDeliveredSecondsTable {
  campaign_id: string;
  second: ColumnType<number, number, number>;
  n: number;
}

/** A finished campaign's deliveries, summarised before its rows were removed (migration 0015). */
export interface DeliverySummariesTable {
  campaign_id: string;
  pending: number;
  retry: number;
  delivered: number;
  dead: number;
  /** Delivered in the campaign's final rate window (see rateWindow). */
  recent_delivered: number;
  /** Chart buckets by bucket size in ms (parsed by src/campaigns/delivery-summary.ts). */
  buckets: Json;
  batches: Json;
  /** Per-arm totals by experiment id. */
  arms: Json;
  summarised_at: Timestamp;
  rows_removed: ColumnType<string, number | undefined, number>;
  rows_removed_at: Timestamp | null;
}

export interface EventsTable {
  id: string;
  tenant_id: string;
  user_id: string | null;
  type: string;
  occurred_at: Timestamp;
  properties: ColumnType<Record<string, unknown>, string | undefined, string>;
  received_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface BetaScreeningsTable {
  id: Generated<number>;
  trace_id: string;
  screened_at: Timestamp;
  threshold: number;
  tenants_screened: number;
  candidate_count: number;
}

export interface BetaCandidatesTable {
  screening_id: number;
  tenant_id: string;
  score: number;
  breakdown: JSONColumnType<Record<string, number>>;
  activity: JSONColumnType<Record<string, unknown>>;
}

export type BetaParticipantStatus = 'invited' | 'accepted' | 'declined' | 'active' | 'opted_out';

export interface BetaParticipantsTable {
  tenant_id: string;
  status: BetaParticipantStatus;
  contact_user_id: string | null;
  campaign_id: string | null;
  approval_id: string | null;
  trace_id: string;
  invited_at: Timestamp;
  invite_expires_at: Timestamp;
  responded_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface BetaFeedbackTable {
  id: string;
  tenant_id: string;
  user_id: string | null;
  source: string;
  text: string;
  occurred_at: Timestamp;
  received_at: ColumnType<Date, Date | string | undefined, never>;
  sentiment: 'positive' | 'neutral' | 'negative';
  score: number;
  category: string;
  keywords: JSONColumnType<string[]>;
}

export interface BetaReportsTable {
  id: Generated<number>;
  trace_id: string;
  created_at: Timestamp;
  feedback_count: number;
  capacity: number;
  report: JSONColumnType<Record<string, unknown>>;
}

/** One arm of a growth experiment: a reward mechanism and amount, and its traffic weight. */
export interface ExperimentArmRow {
  name: string;
  mechanism: 'points' | 'streak' | 'badge' | 'referral_bonus' | 'none';
  amount: number;
  weight: number;
  /** When an applied proposal last changed the arm's reward or traffic, ISO-8601. */
  changedAt?: string;
}

export interface ExperimentsTable {
  id: string;
  campaign_id: string;
  key: string;
  goal_event: string;
  revenue_event: string;
  revenue_property: string;
  attribution_window_sec: number;
  control_arm: string;
  arms: JSONColumnType<ExperimentArmRow[]>;
  allocation: JSONColumnType<{ slots: number; hash: 'growthbook-v2' | 'sha256'; segments: { arm: string; start: number; end: number }[] }>;
  allocation_mode: 'fixed' | 'thompson';
  allocation_version: ColumnType<number, number | undefined, number>;
  control_floor: number;
  min_sample_per_arm: number;
  trace_id: string;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ExperimentAnalysesTable {
  id: Generated<string>;
  experiment_id: string;
  trace_id: string;
  analysed_at: Timestamp;
  result: JSONColumnType<Record<string, unknown>>;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's random id: a leaked table does not log anyone in. */
  id_digest: string;
  token_name: string;
  /** Which secret the token had at login: rotating the token ends its sessions. */
  token_fingerprint: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** The whole schema, as the migrations in migrations/ build it. */
export interface ApprovalWebhooksTable {
  event_id: string;
  request_id: string;
  event: string;
  url: string;
  client_id: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  last_status: number | null;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
}

export interface Database {
  job_runs: JobRunsTable;
  ops_snapshots: OpsSnapshotsTable;
  approval_requests: ApprovalRequestsTable;
  approval_decisions: ApprovalDecisionsTable;
  audit_log: AuditLogTable;
  telegram_messages: TelegramMessagesTable;
  telegram_updates: TelegramUpdatesTable;
  tenants: TenantsTable;
  users: UsersTable;
  campaigns: CampaignsTable;
  deliveries: DeliveriesTable;
  delivery_summaries: DeliverySummariesTable;
  campaign_delivery_counts: CampaignDeliveryCountsTable;
  campaign_delivered_seconds: CampaignDeliveredSecondsTable;
  events: EventsTable;
  beta_screenings: BetaScreeningsTable;
  beta_candidates: BetaCandidatesTable;
  beta_participants: BetaParticipantsTable;
  beta_feedback: BetaFeedbackTable;
  beta_reports: BetaReportsTable;
  experiments: ExperimentsTable;
  experiment_analyses: ExperimentAnalysesTable;
  sessions: SessionsTable;
  approval_webhooks: ApprovalWebhooksTable;
}
