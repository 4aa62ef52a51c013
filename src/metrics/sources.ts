import type { Kysely } from 'kysely';
import type { CampaignRuntime } from '../campaign-runtime/runtime.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import type { RedisClient } from '../redis/connect.js';

/** Where the business metrics are read from at scrape time: the fleet's shared state, never this process's memory. */
export interface BusinessSources {
  db: Kysely<Database>;
  redis: RedisClient;
  /** `redis.prefix`. */
  prefix: string;
  runtime: CampaignRuntime;
  clock: Clock;
}

/** A finished campaign's series stay this long after it finished, then leave /metrics (bounded label sets). */
export const FINISHED_CAMPAIGN_SHOWN_MS = 3600_000;
