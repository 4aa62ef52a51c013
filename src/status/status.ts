import { sql } from 'kysely';
import { QUEUE_DEFINITIONS } from '../../queues/registry.js';
import { redactConfig } from '../config/redact.js';
import type { Deps } from '../deps.js';
import { latestRuns } from '../jobs/runs-store.js';
import { evictionPolicy, pingRedis } from '../redis/connect.js';
import { versions } from './versions.js';
import { COMPONENTS, componentHealth } from './component-health.js';

/** Which queue carries each component's scheduled work. */
const COMPONENT_QUEUE: Record<string, string> = {
  ops: 'ops-monitor',
  growth: 'growth-analysis',
  beta: 'beta-screening',
  approvals: 'approval-expiry',
};

export async function probe<T>(work: () => Promise<T>): Promise<{ ok: true; value: T; ms: number } | { ok: false; error: string }> {
  const started = performance.now();
  try {
    const value = await work();
    return { ok: true, value, ms: performance.now() - started };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export async function readiness(deps: Deps) {
  const [redis, postgres] = await Promise.all([
    probe(() => pingRedis(deps.redis)),
    probe(() => sql`select 1`.execute(deps.db)),
  ]);
  return { redis, postgres, ready: redis.ok && postgres.ok };
}

export async function systemStatus(deps: Deps) {
  const now = deps.clock.now();
  const { redis, postgres } = await readiness(deps);
  const runs = postgres.ok ? await latestRuns(deps.db, Object.values(COMPONENT_QUEUE)) : [];
  const queues: Record<string, Record<string, number>> = {};
  if (redis.ok) {
    const counts = await Promise.all(deps.queues.all().map(async (queue) => [queue.name, await queue.getJobCounts()] as const));
    for (const [name, c] of counts) queues[name] = c;
  }
  const components = Object.fromEntries(
    COMPONENTS.map((name) => {
      const enabled = deps.config[name].enabled;
      const queue = COMPONENT_QUEUE[name];
      const definition = QUEUE_DEFINITIONS.find((d) => d.name === queue);
      const schedule = definition?.schedule?.(deps.config) ?? null;
      const run = runs.find((r) => r.queue === queue);
      const lastRun = run ? { status: run.status, startedAt: new Date(run.started_at) } : null;
      return [
        name,
        {
          enabled,
          health: componentHealth({ enabled, everyMs: schedule?.everyMs ?? null, lastRun, now }),
          queue: definition && queue ? queue : null,
          lastRun: lastRun && run ? { status: lastRun.status, startedAt: lastRun.startedAt.toISOString(), traceId: run.trace_id, error: run.error } : null,
        },
      ];
    }),
  );
  return {
    service: 'flywheel',
    now: now.toISOString(),
    versions: versions(),
    redis: redis.ok
      ? { ok: true, rttMs: redis.ms, evictionPolicy: await evictionPolicy(deps.redis) }
      : { ok: false, error: redis.error },
    postgres: postgres.ok ? { ok: true, kind: deps.dbKind, rttMs: postgres.ms } : { ok: false, kind: deps.dbKind, error: postgres.error },
    components,
    queues,
    config: redactConfig(deps.config),
  };
}
