import { sql } from 'kysely';
import { Counter, Gauge, type Registry } from 'prom-client';
import { registerReadHistogram } from './read-histogram.js';
import type { BusinessSources } from './sources.js';

/** From a request filed to its decision: a minute's glance to a day's escalation. */
export const DECISION_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400] as const;

export function registerApprovalMetrics(registry: Registry, { db }: BusinessSources): void {
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
  registerReadHistogram(registry, {
    name: 'flywheel_approval_decision_seconds',
    help: 'Time from an approval request being filed to its decision (approved or rejected), by action kind',
    buckets: DECISION_BUCKETS,
    async read() {
      const seconds = sql<number>`extract(epoch from (decided_at - created_at))`;
      // A request's bucket is the first bound at or above its time (Prometheus' `le`), i.e. the
      // number of bounds below it; width_bucket would put a time equal to a bound one bucket higher.
      const slot = sql<number>`(select count(*) from unnest(${sql.val([...DECISION_BUCKETS])}::float8[]) as b(bound) where b.bound < ${seconds})`;
      const rows = await db
        .selectFrom('approval_requests')
        .select(['kind', slot.as('slot'), (eb) => eb.fn.countAll<number>().as('n'), sql<number>`sum(${seconds})`.as('total')])
        .where('status', 'in', ['approved', 'rejected'])
        .where('decided_at', 'is not', null)
        .groupBy(['kind', 'slot'])
        .execute();
      const byKind = new Map<string, { labels: Record<string, string>; perBucket: number[]; sum: number }>();
      for (const row of rows) {
        let series = byKind.get(row.kind);
        if (!series) {
          series = { labels: { kind: row.kind }, perBucket: new Array(DECISION_BUCKETS.length + 1).fill(0), sum: 0 };
          byKind.set(row.kind, series);
        }
        series.perBucket[Number(row.slot)] = Number(row.n);
        series.sum += Number(row.total);
      }
      return [...byKind.values()];
    },
  });
}
