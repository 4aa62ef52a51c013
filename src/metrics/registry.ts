import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobDuration: Histogram<'queue' | 'status'>;
  queueJobs: Gauge<'queue' | 'state'>;
  jobsProcessed: Counter<'queue' | 'status'>;
}

/** A registry per process (never prom-client's global one), so tests can hold several. */
export function createMetrics(collectQueueCounts: () => Promise<{ queue: string; counts: Record<string, number> }[]>): Metrics {
  const registry = new Registry();
  const httpDuration = new Histogram({
    name: 'flywheel_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'flywheel_job_duration_seconds',
    help: 'Job processing duration',
    labelNames: ['queue', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [registry],
  });
  const jobsProcessed = new Counter({
    name: 'flywheel_jobs_processed_total',
    help: 'Jobs processed by this process',
    labelNames: ['queue', 'status'] as const,
    registers: [registry],
  });
  const queueJobs = new Gauge({
    name: 'flywheel_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, prioritized, failed, completed)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { queue, counts } of await collectQueueCounts()) {
        for (const [state, value] of Object.entries(counts)) this.set({ queue, state }, value);
      }
    },
  });
  return { registry, httpDuration, jobDuration, queueJobs, jobsProcessed };
}
