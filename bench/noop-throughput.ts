// Bare BullMQ no-op jobs/s vs Flywheel no-op (diagnostics) jobs/s, same Redis,
// same concurrency, same pre-enqueued job count, measured in one run.
// Usage: npx tsx bench/noop-throughput.ts [jobs=20000] [concurrency=50]
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { diagnosticsQueue } from '../queues/diagnostics.js';
import { parseConfig } from '../src/config/load.js';
import { buildDeps } from '../src/entry/compose.js';
import { createLogger } from '../src/logger.js';
import { connectRedis } from '../src/redis/connect.js';
import { startWorkers } from '../workers/start.js';
import { WORKER_DEFINITIONS } from '../workers/registry.js';

const JOBS = Number(process.argv[2] ?? 20_000);
const CONCURRENCY = Number(process.argv[3] ?? 50);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

async function drained(queue: Queue) {
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
    if ((c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0) === 0) return;
    await delay(10);
  }
}

async function bare(prefix: string): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('noop', { connection, prefix });
  for (let i = 0; i < JOBS; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, JOBS - i) }, () => ({ name: 'noop', data: {}, opts: { removeOnComplete: { count: 1000 } } })));
  }
  const started = performance.now();
  const worker = new Worker('noop', async () => null, { connection, prefix, concurrency: CONCURRENCY });
  await drained(queue);
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await connection.quit();
  return JOBS / seconds;
}

async function flywheel(prefix: string): Promise<number> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const config = parseConfig(
    `database: { url: "${DATABASE_URL}" }\nredis: { url: "${REDIS_URL}", prefix: ${prefix} }\nworkers: { concurrency: { diagnostics: ${CONCURRENCY} } }\nlogging: { level: warn }\n`,
    {},
  );
  const deps = await buildDeps({ config, logger: createLogger('warn'), dbSchema: schema });
  for (let i = 0; i < JOBS; i += 1000) {
    await deps.queues.enqueueBulk(
      diagnosticsQueue,
      Array.from({ length: Math.min(1000, JOBS - i) }, () => ({ name: 'noop', data: { traceId: 'bench' } })),
    );
  }
  const connection = await connectRedis(REDIS_URL, 'worker', () => {});
  const started = performance.now();
  const workers = startWorkers(deps, connection, WORKER_DEFINITIONS.filter((w) => w.queue.name === 'diagnostics'));
  await drained(deps.queues.get('diagnostics'));
  const seconds = (performance.now() - started) / 1000;
  await workers.close(5000);
  await deps.queues.get('diagnostics').obliterate({ force: true });
  await connection.quit();
  await deps.close();
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
  return JOBS / seconds;
}

const prefix = `bench_${randomBytes(4).toString('hex')}`;
const bareRate = await bare(prefix);
const flywheelRate = await flywheel(prefix);
const bareRate2 = await bare(`${prefix}b`);
const baseline = (bareRate + bareRate2) / 2;
console.log(`command: npx tsx bench/noop-throughput.ts ${JOBS} ${CONCURRENCY}`);
console.log(`bare BullMQ no-op:      ${bareRate.toFixed(0)} jobs/s, ${bareRate2.toFixed(0)} jobs/s (mean ${baseline.toFixed(0)})`);
console.log(`Flywheel no-op job:     ${flywheelRate.toFixed(0)} jobs/s`);
console.log(`ratio Flywheel / bare:  ${(flywheelRate / baseline).toFixed(2)}`);
