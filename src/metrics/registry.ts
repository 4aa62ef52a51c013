import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobDuration: Histogram<'queue' | 'status'>;
  queueJobs: Gauge<'queue' | 'state'>;
  jobsProcessed: Counter<'queue' | 'status'>;
}

/** What the gauges read at scrape time (Redis holds the truth, shared by every process). */
export interface MetricSources {
  queueCounts(): Promise<{ queue: string; counts: Record<string, number> }[]>;
  /** Seconds the oldest waiting job of each queue has waited so far, 0 when none waits. */
  oldestWaiting(): Promise<{ queue: string; seconds: number }[]>;
  /** The Ops agent's latest worker recommendation per Procfile process. */
  desiredWorkers(): Promise<{ process: string; desired: number; current: number }[]>;
}

/** A registry per process (never prom-client's global one), so tests can hold several. */
export function createMetrics(sources: MetricSources): Metrics {
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
      for (const { queue, counts } of await sources.queueCounts()) {
        for (const [state, value] of Object.entries(counts)) this.set({ queue, state }, value);
      }
    },
  });
  new Gauge({
    name: 'flywheel_queue_oldest_waiting_seconds',
    help: 'Time in queue of the oldest waiting job, per queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { queue, seconds } of await sources.oldestWaiting()) this.set({ queue }, seconds);
    },
  });
  for (const [name, help, pick] of [
    ['flywheel_desired_workers', 'Worker processes the Ops agent recommends, per Procfile process (for KEDA or an HPA)', 'desired'],
    ['flywheel_current_workers', 'Worker processes connected at the last recommendation, per Procfile process', 'current'],
  ] as const) {
    new Gauge({
      name,
      help,
      labelNames: ['process'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const entry of await sources.desiredWorkers()) this.set({ process: entry.process }, entry[pick]);
      },
    });
  }
  return { registry, httpDuration, jobDuration, queueJobs, jobsProcessed };
}
