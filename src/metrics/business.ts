import type { Kysely } from 'kysely';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Database } from '../db/schema.js';

/**
 * Business metrics read from Postgres at scrape time: Postgres holds every record, so the
 * figures are the fleet's whichever process is scraped, and survive restarts.
 */
export function registerBusinessMetrics(registry: Registry, db: Kysely<Database>): void {
  new Gauge({
    name: 'flywheel_approvals_pending',
    help: 'Approval requests waiting for a decision, by action kind and priority',
    labelNames: ['kind', 'priority'] as const,
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('approval_requests')
        .select(['kind', 'priority', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', '=', 'pending')
        .groupBy(['kind', 'priority'])
        .execute();
      this.reset();
      for (const row of rows) this.set({ kind: row.kind, priority: row.priority }, Number(row.n));
    },
  });
  new Counter({
    name: 'flywheel_approvals_resolved_total',
    help: 'Approval requests resolved (approved, rejected, expired, cancelled), by action kind',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('approval_requests')
        .select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', '!=', 'pending')
        .groupBy(['kind', 'status'])
        .execute();
      this.reset();
      for (const row of rows) this.inc({ kind: row.kind, status: row.status }, Number(row.n));
    },
  });
}
