// Campaign delivery end to end: (a) maximum deliveries/s against a no-op downstream (batch and
// single mode), as a ratio to bare BullMQ no-op jobs/s and to plain keep-alive HTTP requests/s
// measured in the same run, with the worker's RSS. The Ops closed loop (goodput against a
// downstream of capacity C, capacity steps) is bench/ops-loop.ts.
// Processes: this one (creates, launches and measures campaigns; runs the bare BullMQ
// baseline), a worker per scenario as the Procfile runs it (`node dist/src/entry/worker.js`,
// compiled at the start with tsconfig.build.json into .scratch/; `--worker tsx` runs
// `node --import tsx src/entry/worker.ts` instead), WORKER_QUEUES=deliveries,ops-control,campaigns, and the simulated downstream
// (bench/downstream/server.ts; its model is in bench/downstream/downstream-model.ts).
// Every scenario has a Postgres schema and Redis prefix of its own, removed at its end.
//
// Usage: npx tsx bench/delivery.ts [--batch-users 100000] [--single-users 20000]
//   [--a-concurrency 16] [--max-batch 100] [--bare-jobs 20000] [--bare-concurrency 50]
//   [--only a]   (the one scenario left here; the closed loop moved to bench/ops-loop.ts)
//   [--rounds 1]  (repeats the whole sequence; each round's ratios use that round's baselines, and the
//                  median of the rounds' ratios is printed last: on a shared machine one round means little)
//   [--worker dist|tsx] [--worker-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"]   (extra node flags for the worker, e.g. to profile it)
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { startCampaign } from '../src/campaigns/launch.js';
import { getCampaign } from '../src/campaigns/store.js';
import type { TestContext } from '../test/support/deps.js';
import { type BenchDownstream, cpuSec, postgresCpuSec, startDownstream } from './support/processes.js';
import { BenchRun } from './support/bench-run.js';
import { keepAliveRequests } from './support/keep-alive-requests.js';
import { closeScenario, createBenchCampaign, openScenario } from './support/scenario.js';
import { procfileWorkerNodeArgs, type WorkerRun, workerLauncher } from './support/worker-process.js';

const { values: args } = parseArgs({
  options: {
    'batch-users': { type: 'string', default: '100000' },
    'single-users': { type: 'string', default: '20000' },
    'a-concurrency': { type: 'string', default: '16' },
    'max-batch': { type: 'string', default: '100' },
    'bare-jobs': { type: 'string', default: '20000' },
    'bare-concurrency': { type: 'string', default: '50' },
    only: { type: 'string', default: 'a' },
    rounds: { type: 'string', default: '1' },
    worker: { type: 'string', default: 'dist' },
    'worker-node-args': { type: 'string', default: '' },
  },
  strict: true,
});
const num = (name: keyof typeof args) => {
  const n = Number(args[name]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number >= 0`);
  return n;
};
const BATCH_USERS = num('batch-users');
const SINGLE_USERS = num('single-users');
const A_CONCURRENCY = num('a-concurrency');
/** Requests single mode keeps in flight in (a): deliveries concurrency × campaigns.sendersPerJob (its default, 8). */
const SINGLE_IN_FLIGHT = A_CONCURRENCY * 8;
/** The campaigns' channel.maxBatch: recipients per request in batch mode, and per queue job of a small audience. */
const MAX_BATCH = num('max-batch');
const BARE_JOBS = num('bare-jobs');
const BARE_CONCURRENCY = num('bare-concurrency');
const ROUNDS = Math.max(1, Math.floor(num('rounds')));
/** The no-op downstream: the model needs a capacity, so one no benchmark can reach. */
const UNLIMITED = 1e9;
if (args.worker !== 'dist' && args.worker !== 'tsx') throw new Error('--worker must be dist or tsx');
if (args.only !== 'a') throw new Error('--only: scenario a is the one left in bench/delivery.ts; the closed loop (b, c) is bench/ops-loop.ts');
const COMMAND = `npx tsx bench/delivery.ts ${process.argv.slice(2).join(' ')}`.trim();
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'bench-downstream-secret-0123456789';
const runStarted = performance.now();

const log = (line: string) => process.stdout.write(`${line}\n`);
const elapsed = () => `${((performance.now() - runStarted) / 1000).toFixed(0)}s`;
const note = (line: string) => process.stderr.write(`[${elapsed()}] ${line}\n`);
const workers = workerLauncher({ from: args.worker, nodeArgs: [...procfileWorkerNodeArgs(), ...args['worker-node-args']!.split(' ').filter(Boolean)], note });
// Bounded in time: whatever happens, stop (and close what is open on the way out).
const run = new BenchRun(workers, note, Math.max(1, ROUNDS) * 10 * 60 * 1000);


// ---- helpers -------------------------------------------------------------------------

const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

/**
 * The physical limit of single mode: this process sending the same signed single-recipient requests
 * to the same no-op downstream (bench/support/keep-alive-requests.ts), with as many in flight as
 * single mode keeps (deliveries concurrency × campaigns.sendersPerJob). Requests/s.
 */
async function keepAliveHttp(ds: BenchDownstream, requests: number, inFlight: number): Promise<number> {
  await ds.control({ capacity: UNLIMITED, baseLatencyMs: 0, latencyJitter: 0, errorRate: 0, overloadErrorRate: 0 });
  await ds.reset();
  const ds0 = cpuSec(ds.child.pid!);
  const { perSec, cpuUs } = await keepAliveRequests(`${ds.url}/deliver`, SECRET, requests, inFlight);
  keepAliveCpuUs.push({ client: cpuUs, downstream: ((cpuSec(ds.child.pid!) - ds0) * 1e6) / requests });
  await ds.reset();
  return perSec;
}

/** CPU µs per request of each keep-alive baseline run: this process (the client) and the downstream. */
const keepAliveCpuUs: { client: number; downstream: number }[] = [];

/** Bare BullMQ no-op jobs/s: the approach of bench/noop-throughput.ts. */
async function bareNoop(prefix: string): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('noop', { connection, prefix });
  try {
    for (let i = 0; i < BARE_JOBS; i += 1000) {
      await queue.addBulk(Array.from({ length: Math.min(1000, BARE_JOBS - i) }, () => ({ name: 'noop', data: {}, opts: { removeOnComplete: { count: 1000 } } })));
    }
    const started = performance.now();
    const worker = new Worker('noop', async () => null, { connection, prefix, concurrency: BARE_CONCURRENCY });
    for (;;) {
      const c = await queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
      if ((c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0) === 0) break;
      await delay(10);
    }
    const seconds = (performance.now() - started) / 1000;
    await worker.close();
    return BARE_JOBS / seconds;
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await connection.quit();
  }
}

/** CPU seconds used by the processes that carry a delivery: the worker, the downstream, Redis (its pid from INFO), Postgres and this process. */
async function cpuSnapshot(ctx: TestContext, workerPid: number, ds: BenchDownstream): Promise<Record<string, number>> {
  const redisPid = Number(/process_id:(\d+)/.exec(String(await ctx.deps.redis.info('server')))?.[1]);
  const own = process.cpuUsage();
  return { worker: cpuSec(workerPid), downstream: cpuSec(ds.child.pid!), redis: cpuSec(redisPid), postgres: postgresCpuSec(), bench: (own.user + own.system) / 1e6 };
}


// ---- (a) throughput --------------------------------------------------------------------

interface ThroughputResult {
  mode: 'batch' | 'single';
  users: number;
  materialiseSec: number;
  totalSec: number;
  deliveriesPerSec: number;
  deliveryPhasePerSec: number;
  batchJobsPerSec: number;
  delivered: number;
  downstreamMessages: number;
  duplicateMessages: number;
  badSignatures: number;
  /** Most requests in flight at the downstream; always 1 against a zero-latency model, which answers in the tick a body completes. */
  maxInFlight: number;
  /** CPU µs per delivery by process (worker, downstream, Redis, Postgres, this bench process), launch to completion. */
  cpuPerDeliveryUs: Record<string, number>;
  /** Redis commands (scripts' inner calls included) per delivery, from INFO commandstats before and after; the busiest first. */
  redisPerDelivery: [string, number][];
  rss: WorkerRun | null;
}

async function throughput(ds: BenchDownstream, mode: 'batch' | 'single', users: number): Promise<ThroughputResult> {
  note(`(a) ${mode}: seeding ${users} users`);
  const s = (run.open = await openScenario({ ops: { enabled: false }, workers: { shutdownTimeoutSec: 5, concurrency: { deliveries: A_CONCURRENCY } } }, users));
  let rss: ThroughputResult['rss'] = null;
  try {
    await ds.control({ capacity: UNLIMITED, baseLatencyMs: 0, latencyJitter: 0, errorRate: 0, overloadErrorRate: 0 });
    await ds.reset();
    const worker = await workers.start(s.ctx.configYaml, s.dir, 'deliveries,ops-control,campaigns');
    s.workers.push(worker);
    const campaign = await createBenchCampaign(s.ctx, { url: ds.url, secret: SECRET, mode, maxBatch: MAX_BATCH }, `throughput-${mode}`);
    note(`(a) ${mode}: launching ${campaign.id}`);
    const redisBefore = await commandCounts(s.ctx);
    const cpuBefore = await cpuSnapshot(s.ctx, worker.pid, ds);
    const t0 = Date.now();
    await startCampaign(s.ctx.deps, campaign.id, `bench-a-${mode}`, 'bench', { by: 'policy' });
    const t1 = Date.now();
    const deadline = t0 + 180_000;
    let row = await getCampaign(s.ctx.deps.db, campaign.id);
    while (row?.status !== 'completed') {
      if (Date.now() > deadline) throw new Error(`(a) ${mode}: not completed after 180 s (status ${row?.status})`);
      await delay(50);
      row = await getCampaign(s.ctx.deps.db, campaign.id);
    }
    const finishedAt = new Date(row.finished_at!).getTime();
    const cpuAfter = await cpuSnapshot(s.ctx, worker.pid, ds);
    const counts = await s.ctx.deps.db
      .selectFrom('deliveries')
      .select((eb) => [eb.fn.countAll<number>().as('n'), sql<number>`count(distinct batch_no)`.as('jobs'), eb.fn.min('delivered_at').as('first'), eb.fn.max('delivered_at').as('last')])
      .where('campaign_id', '=', campaign.id)
      .where('status', '=', 'delivered')
      .executeTakeFirstOrThrow();
    const delivered = Number(counts.n);
    const redisAfter = await commandCounts(s.ctx);
    const cpuPerDeliveryUs = Object.fromEntries(Object.entries(cpuAfter).map(([name, after]) => [name, ((after - (cpuBefore[name] ?? 0)) * 1e6) / Math.max(1, delivered)]));
    const redisPerDelivery = [...redisAfter]
      .map(([command, calls]): [string, number] => [command, (calls - (redisBefore.get(command) ?? 0)) / Math.max(1, delivered)])
      .filter(([, perDelivery]) => perDelivery >= 0.01)
      .sort((a, b) => b[1] - a[1]);
    const st = await ds.stats();
    rss = await worker.stop();
    s.workers.splice(s.workers.indexOf(worker), 1);
    const totalSec = (finishedAt - t0) / 1000;
    return {
      mode,
      users,
      materialiseSec: (t1 - t0) / 1000,
      totalSec,
      deliveriesPerSec: delivered / totalSec,
      deliveryPhasePerSec: delivered / ((finishedAt - t1) / 1000),
      batchJobsPerSec: Number(counts.jobs) / ((finishedAt - t1) / 1000),
      delivered,
      downstreamMessages: st.messagesDelivered,
      duplicateMessages: mode === 'batch' ? st.idempotency.duplicateMessages : st.idempotency.duplicateRequests,
      badSignatures: st.unauthorized,
      maxInFlight: st.maxInFlight,
      redisPerDelivery,
      cpuPerDeliveryUs,
      rss,
    };
  } finally {
    const [stopped] = await closeScenario(s);
    run.open = undefined;
    if (stopped && !rss) rss = stopped;
  }
}

/** Calls per Redis command since the server started (INFO commandstats). Shared with whoever else uses this Redis: point REDIS_URL at a private one to read them per delivery. */
async function commandCounts(ctx: TestContext): Promise<Map<string, number>> {
  const info = String(await ctx.deps.redis.info('commandstats'));
  return new Map([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

// ---- run -------------------------------------------------------------------------------


try {
  const downstream = (run.downstream = await startDownstream(SECRET, ['--max-queue-ms', '1000']));
  const prefix = `benchdl_${randomBytes(4).toString('hex')}`;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const ratios: { round: number; batchToBare?: number; singleToBare?: number; singleToKeepAlive?: number; load: string }[] = [];
  log(`command: ${COMMAND}`);
  for (let round = 1; round <= ROUNDS; round++) {
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const throughputs: ThroughputResult[] = [];
    const bares: number[] = [];
    const keepAlives: number[] = [];
    note(`(a) round ${round}: bare BullMQ no-op`);
    bares.push(await bareNoop(`${prefix}${round}a`));
    if (BATCH_USERS > 0) throughputs.push(await throughput(downstream, 'batch', BATCH_USERS));
    if (SINGLE_USERS > 0) {
      note('(a) plain keep-alive HTTP, one process');
      keepAlives.push(await keepAliveHttp(downstream, SINGLE_USERS, SINGLE_IN_FLIGHT));
      throughputs.push(await throughput(downstream, 'single', SINGLE_USERS));
      note('(a) plain keep-alive HTTP again');
      keepAlives.push(await keepAliveHttp(downstream, SINGLE_USERS, SINGLE_IN_FLIGHT));
    }
    note('(a) bare BullMQ no-op again');
    bares.push(await bareNoop(`${prefix}${round}b`));

    const bare = mean(bares);
    const batch = throughputs.find((t) => t.mode === 'batch');
    const single = throughputs.find((t) => t.mode === 'single');
    const keepAlive = keepAlives.length > 0 ? mean(keepAlives) : undefined;
    ratios.push({
      round,
      load,
      ...(batch ? { batchToBare: batch.deliveriesPerSec / bare } : {}),
      ...(single ? { singleToBare: single.deliveriesPerSec / bare } : {}),
      ...(single && keepAlive ? { singleToKeepAlive: single.deliveriesPerSec / keepAlive } : {}),
    });
    log('');
    log(`round ${round} of ${ROUNDS} (load average at its start ${load}), after ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
    log(`(a) Maximum deliveries/s, no-op downstream (capacity unlimited, 0 ms), ops.enabled false, deliveries concurrency ${A_CONCURRENCY}, channel.maxBatch ${MAX_BATCH} (recipients per request in batch mode; per job, several times that for a large audience: campaigns.jobRecipients)`);
    log(`bare BullMQ no-op (${BARE_JOBS} jobs, concurrency ${BARE_CONCURRENCY}): ${bares.map((b) => b.toFixed(0)).join(' and ')} jobs/s, mean ${bare.toFixed(0)} jobs/s`);
    log('| mode | recipients | rows+jobs created | end to end | deliveries/s (end to end) | ratio to bare | deliveries/s after enqueue | ratio | batch jobs/s | downstream msgs | dup | bad sig | max held at once by the downstream (a no-op answers within its handler: 1) | worker max RSS |');
    log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    if (keepAlive !== undefined) {
      log(
        `plain keep-alive HTTP, one process (undici Pool, ${SINGLE_IN_FLIGHT} in flight, single-recipient signed requests, no Redis/Postgres/queue): ${keepAlives.map((k) => k.toFixed(0)).join(' and ')} requests/s, mean ${keepAlive.toFixed(0)}/s` +
          (single ? `; single mode end to end ${single.deliveriesPerSec.toFixed(0)}/s = ${(single.deliveriesPerSec / keepAlive).toFixed(2)}× of it, after enqueue ${(single.deliveryPhasePerSec / keepAlive).toFixed(2)}×` : ''),
      );
    }
    for (const t of throughputs) {
      log(
        `| ${t.mode} | ${t.users} | ${t.materialiseSec.toFixed(2)} s | ${t.totalSec.toFixed(2)} s | ${t.deliveriesPerSec.toFixed(0)} | ${(t.deliveriesPerSec / bare).toFixed(2)}× | ${t.deliveryPhasePerSec.toFixed(0)} | ${(t.deliveryPhasePerSec / bare).toFixed(2)}× | ${t.batchJobsPerSec.toFixed(0)} | ${t.downstreamMessages} | ${t.duplicateMessages} | ${t.badSignatures} | ${t.maxInFlight} | ${fmt(t.rss?.maxRssMb, 1)} MB (tree ${fmt(t.rss?.maxTreeRssMb, 1)} MB) |`,
      );
    }
    if (keepAliveCpuUs.length > 0) log(`plain keep-alive HTTP: CPU per request: ${keepAliveCpuUs.map((c) => `client ${c.client.toFixed(0)} µs, downstream ${c.downstream.toFixed(0)} µs`).join('; then ')}`);
    keepAliveCpuUs.length = 0;
    for (const t of throughputs)
      log(`${t.mode}: CPU per delivery, launch to completion: ${Object.entries(t.cpuPerDeliveryUs).map(([name, us]) => `${name} ${us.toFixed(0)} µs`).join(', ')} (postgres: the whole server)`);
    for (const t of throughputs) log(`${t.mode}: Redis commands per delivery (REDIS_URL=${REDIS_URL}; shared with anyone else using it): ${t.redisPerDelivery.map(([c, n]) => `${c} ${n.toFixed(2)}`).join(', ')}`);
  }
  log('');
  log(`total runtime: ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
  const summary = (name: string, pick: (r: (typeof ratios)[number]) => number | undefined, target: number) => {
    const xs = ratios.map(pick).filter((x): x is number => x !== undefined);
    if (xs.length === 0) return;
    const m = median(xs);
    log(`${name}: ${xs.map((x) => `${x.toFixed(2)}×`).join(', ')}; median ${m.toFixed(2)}× (target ≥ ${target}×: ${m >= target ? 'met' : 'missed'}; met in ${xs.filter((x) => x >= target).length} of ${xs.length} rounds)`);
  };
  log(`ratios by round (${ROUNDS} round${ROUNDS === 1 ? '' : 's'}, load at each start: ${ratios.map((r) => r.load.split(' ')[0]).join(', ')}):`);
  summary('batch (100 per request) / bare BullMQ', (r) => r.batchToBare, 1.0);
  summary('single / bare BullMQ', (r) => r.singleToBare, 0.5);
  summary('single / plain keep-alive HTTP', (r) => r.singleToKeepAlive, 0.6);
  log('(d) worker max RSS: see the tables above');
} finally {
  await run.finish();
}
