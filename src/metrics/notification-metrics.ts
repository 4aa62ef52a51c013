import { sql } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { RedisClient } from '../redis/connect.js';
import type { BusinessSources } from './sources.js';

/**
 * The fleet's count of failed Bot API calls, in Redis: every worker adds its own, web reads
 * them at scrape time. A counter, not state: lost with Redis, it restarts from 0.
 */
export const notificationFailuresKey = (prefix: string) => `${prefix}:metrics:notification-failures`;

/**
 * Counts one failed call to tell an approver something on Telegram (a message not
 * sent, an outcome not shown): refused for good or to be retried, each attempt counts.
 * Never throws: a metric must not fail the send it reports on.
 */
export async function recordNotificationFailure(redis: RedisClient, prefix: string, channel: 'telegram'): Promise<void> {
  await redis.hincrby(notificationFailuresKey(prefix), channel, 1).catch(() => {});
}

/**
 * Failed attempts to tell someone of an approval: Bot API calls that failed (a retry
 * that then succeeds still counted one failure; counted where they fail, since the
 * Telegram queue keeps no job runs and gives a failing job back as delayed), and
 * signed webhooks to outside proposers that got no 2xx.
 */
export function registerNotificationMetrics(registry: Registry, { db, redis, prefix }: BusinessSources): void {
  new Counter({
    name: 'flywheel_notification_failures_total',
    help: 'Failed attempts to notify approvers or proposers, by channel (telegram, webhook)',
    labelNames: ['channel'] as const,
    registers: [registry],
    async collect() {
      const [telegram, webhook] = await Promise.all([
        redis.hget(notificationFailuresKey(prefix), 'telegram'),
        db
          .selectFrom('approval_webhooks')
          .select(sql<number>`coalesce(sum(attempts - case when status = 'delivered' then 1 else 0 end), 0)`.as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      this.reset();
      this.inc({ channel: 'telegram' }, Number(telegram ?? 0));
      this.inc({ channel: 'webhook' }, Number(webhook.n));
    },
  });
}
