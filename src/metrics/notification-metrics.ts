import { sql } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { BusinessSources } from './sources.js';

/**
 * Failed attempts to tell someone of an approval: Telegram notification jobs that
 * failed (each attempt is a job run; a retry that then succeeds still counted one failure),
 * and signed webhooks to outside proposers that got no 2xx.
 */
export function registerNotificationMetrics(registry: Registry, { db }: BusinessSources): void {
  new Counter({
    name: 'flywheel_notification_failures_total',
    help: 'Failed attempts to notify approvers or proposers, by channel (telegram, webhook)',
    labelNames: ['channel'] as const,
    registers: [registry],
    async collect() {
      const [telegram, webhook] = await Promise.all([
        db
          .selectFrom('job_runs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('queue', '=', 'telegram')
          .where('status', '=', 'failed')
          .executeTakeFirstOrThrow(),
        db
          .selectFrom('approval_webhooks')
          .select(sql<number>`coalesce(sum(attempts - case when status = 'delivered' then 1 else 0 end), 0)`.as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      this.reset();
      this.inc({ channel: 'telegram' }, Number(telegram.n));
      this.inc({ channel: 'webhook' }, Number(webhook.n));
    },
  });
}
