import type { Kysely } from 'kysely';
import type { Queues } from '../queues/queues.js';
import type { ActionRegistry } from './actions/registry.js';
import type { CampaignRuntime } from './campaign-runtime/runtime.js';
import type { Clock } from './clock.js';
import type { Config } from './config/schema.js';
import type { Database } from './db/schema.js';
import type { DownstreamClient } from './downstream/client.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics/registry.js';
import type { RedisClient, RedisTarget } from './redis/connect.js';

/**
 * Everything a part of Flywheel may use, built once by the composition root
 * (src/entry/compose.ts) and passed down. This module only declares: it imports
 * no domain, so every domain can depend on it.
 */
export interface Deps {
  config: Readonly<Config>;
  db: Kysely<Database>;
  dbKind: 'postgres' | 'pglite';
  /** The Redis actually in use (config.redis.url, or a locally started redis-server). */
  redisUrl: string;
  /** redisUrl with config.redis.cluster: what connectRedis needs to open more connections. */
  redisTarget: RedisTarget;
  /** Producer connection (a single node or a Cluster): fails fast, for requests and enqueues. */
  redis: RedisClient;
  queues: Queues;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  /** How each kind of action is applied once the policy or a human allows it. */
  actions: ActionRegistry;
  /** The one owner of running campaigns' runtime state (limits, leases, samples, control state). */
  runtime: CampaignRuntime;
  /** HTTP client to campaign downstreams: a keep-alive pool per origin. */
  downstream: DownstreamClient;
  /** Closes queues, Redis and Postgres, in that order. Idempotent. */
  close(): Promise<void>;
}

export interface ActionContext {
  traceId: string;
  /** The approval this application uses, or null when the policy let it apply directly. */
  approvalId: string | null;
  actor: string;
  /** The people who approved it (their names), when it applies an approval; credit a person's decision to them, not to the proposer. */
  approvedBy?: string[];
}

/**
 * How a domain applies one kind of action. `currentParams` reads the action's
 * parameters as they are now (e.g. a campaign row), so an approval is checked
 * against what would really be applied, not against a stale copy.
 */
export interface ActionHandler {
  kind: string;
  currentParams?(deps: Deps, payload: Record<string, unknown>): Promise<Record<string, unknown>>;
  apply(deps: Deps, params: Record<string, unknown>, context: ActionContext): Promise<Record<string, unknown>>;
  /**
   * Told when a request for this action ended without being applied: rejected,
   * expired, cancelled, or approved but refused at use because its parameters changed.
   */
  onResolved?(deps: Deps, payload: Record<string, unknown>, outcome: ResolvedOutcome, context: ActionContext): Promise<void>;
  /**
   * Proposing again after a request ended unapproved files a new request, even
   * under the same idempotency key (the key then only dedupes retries while pending).
   * @defaultValue false: the same key always gets the first request back
   */
  renewAfterRefusal?: boolean;
}

export type ResolvedOutcome = 'rejected' | 'expired' | 'cancelled' | 'payload_changed';
