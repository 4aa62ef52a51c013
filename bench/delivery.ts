// Campaign delivery end to end and the Ops closed loop, measured in one run:
//   (a) maximum deliveries/s against a no-op downstream (batch and single mode), as a ratio
//       to bare BullMQ no-op jobs/s measured in the same run;
//   (b) goodput and latency against a downstream of capacity C (single mode, Ops control on);
//   (c) capacity drop to C/4 mid-campaign: time until the send rate adapts and the errors
//       meanwhile, for the adaptive, AIMD and fixed policies;
//   (d) RSS of the worker process, which runs separately in every scenario.
// Processes: this one (creates, launches and measures campaigns; runs the bare BullMQ
// baseline), a worker per scenario as the Procfile runs it (`node dist/src/entry/worker.js`,
// compiled at the start with tsconfig.build.json into .scratch/; `--worker tsx` runs
// `node --import tsx src/entry/worker.ts` instead), WORKER_QUEUES=deliveries,ops-control,campaigns, and the simulated downstream
// (bench/downstream/server.ts; its model is in bench/downstream/downstream-model.ts).
// Every scenario has a Postgres schema and Redis prefix of its own, removed at its end.
//
// Usage: npx tsx bench/delivery.ts [--batch-users 100000] [--single-users 20000]
//   [--a-concurrency 16] [--max-batch 100] [--bare-jobs 20000] [--bare-concurrency 50]
//   [--capacity 200] [--base-latency-ms 50] [--max-queue-ms 1000] [--overload-error-rate 0.2] [--slo-ms 500] [--every-ms 250]
//   [--warmup-sec 10] [--steady-sec 15] [--after-sec 12] [--policies adaptive,aimd,fixed]
//   [--only a,b]   (a: throughput; b: the closed-loop scenarios b, c and d)
//   [--worker dist|tsx] [--worker-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"]   (extra node flags for the worker, e.g. to profile it)
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { cancelCampaign } from '../src/campaigns/control.js';
import { createCampaign } from '../src/campaigns/create.js';
import { campaignInputSchema } from '../src/campaigns/input.js';
import { startCampaign } from '../src/campaigns/launch.js';
import { getCampaign } from '../src/campaigns/store.js';
import { DownstreamClient } from '../src/downstream/client.js';
import type { DownstreamStatsSnapshot, TimeBucket } from './downstream/downstream-stats.js';
import { createTestContext, type TestContext } from '../test/support/deps.js';
import { seedUsers } from '../test/support/seed-users.js';

const { values: args } = parseArgs({
  options: {
    'batch-users': { type: 'string', default: '100000' },
    'single-users': { type: 'string', default: '20000' },
    'a-concurrency': { type: 'string', default: '16' },
    'max-batch': { type: 'string', default: '100' },
    'bare-jobs': { type: 'string', default: '20000' },
    'bare-concurrency': { type: 'string', default: '50' },
    capacity: { type: 'string', default: '200' },
    'base-latency-ms': { type: 'string', default: '50' },
    'max-queue-ms': { type: 'string', default: '1000' },
    'overload-error-rate': { type: 'string', default: '0.2' },
    'slo-ms': { type: 'string', default: '500' },
    'every-ms': { type: 'string', default: '250' },
    'warmup-sec': { type: 'string', default: '10' },
    'steady-sec': { type: 'string', default: '15' },
    'after-sec': { type: 'string', default: '12' },
    policies: { type: 'string', default: 'adaptive,aimd,fixed' },
    only: { type: 'string', default: 'a,b' },
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
/** The campaigns' channel.maxBatch: recipients per queue job, and per request in batch mode. */
const MAX_BATCH = num('max-batch');
const BARE_JOBS = num('bare-jobs');
const BARE_CONCURRENCY = num('bare-concurrency');
const C = num('capacity');
const BASE_MS = num('base-latency-ms');
const MAX_QUEUE_MS = num('max-queue-ms');
const OVERLOAD_ERROR_RATE = num('overload-error-rate');
/** The no-op downstream: the model needs a capacity, so one no benchmark can reach. */
const UNLIMITED = 1e9;
const SLO_MS = num('slo-ms');
const EVERY_MS = num('every-ms');
const WARMUP_MS = num('warmup-sec') * 1000;
const STEADY_MS = num('steady-sec') * 1000;
const AFTER_MS = num('after-sec') * 1000;
const POLICIES = args.policies!.split(',').map((p) => p.trim()).filter(Boolean) as ('adaptive' | 'aimd' | 'fixed')[];
if (args.worker !== 'dist' && args.worker !== 'tsx') throw new Error('--worker must be dist or tsx');
const WORKER_FROM = args.worker;
/** The node flags of the Procfile's worker line (heap limits), then any given here. */
const PROCFILE_NODE_ARGS = (/^worker:\s*node\s+(.*?)\s*dist\/src\/entry\/worker\.js/m.exec(readFileSync('Procfile', 'utf8'))?.[1] ?? '').split(' ').filter(Boolean);
const WORKER_NODE_ARGS = [...PROCFILE_NODE_ARGS, ...args['worker-node-args']!.split(' ').filter(Boolean)];
const ONLY = new Set(args.only!.split(',').map((p) => p.trim()));
const COMMAND = `npx tsx bench/delivery.ts ${process.argv.slice(2).join(' ')}`.trim();
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'bench-downstream-secret-0123456789';
const ADAPT_FACTOR = 1.3;
const BUCKET_MS = 250;
const runStarted = performance.now();

const log = (line: string) => process.stdout.write(`${line}\n`);
const elapsed = () => `${((performance.now() - runStarted) / 1000).toFixed(0)}s`;
const note = (line: string) => process.stderr.write(`[${elapsed()}] ${line}\n`);

// Bounded in time: whatever happens, stop (the finally blocks clean up on the way out).
const WATCHDOG_MS = 10 * 60 * 1000;
const watchdog = setTimeout(() => {
  note(`watchdog: still running after ${WATCHDOG_MS / 1000}s, giving up`);
  process.exitCode = 1;
  void shutdown().finally(() => process.exit(1));
}, WATCHDOG_MS);
watchdog.unref();

// ---- helpers -------------------------------------------------------------------------

/** Nearest-rank percentile, as src/ops/window-stats.ts. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
/** The `at` (ms, returned in seconds) of the point from which every later point is ok; null when the last is not. */
function sustainedFrom(points: { at: number; ok: boolean }[]): number | null {
  let from: number | null = null;
  for (let i = points.length - 1; i >= 0 && points[i]!.ok; i--) from = points[i]!.at;
  return from === null ? null : from / 1000;
}
const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));
const sec = (v: number | null) => (v === null ? 'never' : `${v.toFixed(2)} s`);
const ms = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${v.toFixed(0)} ms`);

interface Downstream {
  url: string;
  child: ChildProcess;
  control(patch: Record<string, number>): Promise<{ appliedAt: number }>;
  reset(): Promise<void>;
  stats(query?: { from: number; to: number; bucketMs: number }): Promise<DownstreamStats>;
}
/** What bench/downstream/server.ts answers on GET /_stats (the fields used here). */
type DownstreamStats = Pick<DownstreamStatsSnapshot, 'received' | 'ok' | 'refused' | 'errors' | 'unauthorized' | 'badRequests' | 'probes' | 'messagesDelivered' | 'maxInFlight' | 'idempotency'> & {
  buckets?: TimeBucket[];
};

const children = new Set<ChildProcess>();

async function startDownstream(): Promise<Downstream> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/downstream/server.ts', '--secret', SECRET, '--max-queue-ms', String(MAX_QUEUE_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  const { url } = JSON.parse(out.slice(0, out.indexOf('\n'))) as { url: string };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`downstream ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    url,
    child,
    control: (patch) => post('/_control', patch) as Promise<{ appliedAt: number }>,
    reset: async () => void (await post('/_reset', {})),
    async stats(query) {
      const qs = query ? `?from=${Math.floor(query.from)}&to=${Math.floor(query.to)}&bucketMs=${query.bucketMs}` : '';
      return (await (await fetch(`${url}/_stats${qs}`)).json()) as DownstreamStats;
    },
  };
}

/**
 * The physical limit of single mode: one process sending the same signed single-recipient
 * requests to the same no-op downstream through a keep-alive undici Pool (the delivery path's
 * own DownstreamClient), with as many in flight as single mode keeps (deliveries concurrency
 * × campaigns.sendersPerJob), no Redis, no Postgres, no queue. Requests/s.
 */
async function keepAliveHttp(ds: Downstream, requests: number, inFlight: number): Promise<number> {
  await ds.control({ capacity: UNLIMITED, baseLatencyMs: 0, latencyJitter: 0, errorRate: 0, overloadErrorRate: 0 });
  await ds.reset();
  const client = new DownstreamClient({ connectionsPerOrigin: 128 });
  const channel = { url: `${ds.url}/deliver`, mode: 'single', maxBatch: 1, timeoutMs: 10_000, headers: {} } as unknown as Parameters<DownstreamClient['request']>[0];
  const campaignId = `keepalive-${randomBytes(4).toString('hex')}`;
  let next = 0;
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const ds0 = cpuSec(ds.child.pid!);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < requests) {
        const i = next++;
        const userId = `u${i}`;
        const idempotencyKey = `${campaignId}:${userId}`;
        const body = { campaignId, userId, idempotencyKey, text: `Hi user ${i}`, reward: { mechanism: 'points', amount: 10 }, arm: null };
        const result = await client.request(channel, SECRET, { campaignId, idempotencyKey, body });
        if (!result.ok) failed += 1;
      }
    }),
  );
  const perSec = requests / ((performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpu0);
  keepAliveCpuUs.push({ client: (cpu.user + cpu.system) / requests, downstream: ((cpuSec(ds.child.pid!) - ds0) * 1e6) / requests });
  await client.close();
  if (failed > 0) throw new Error(`keep-alive baseline: ${failed} of ${requests} requests failed`);
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

/** Every pid under `pid` (tsx's esbuild service runs as a child of the node process). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const kid of kids ? kids.split(/\s+/).map(Number) : []) out.push(kid, ...descendants(kid));
    }
  } catch {
    // gone
  }
  return out;
}
/** CPU seconds (user + system) a process has used so far; 0 when it is gone or not ours to read. */
function cpuSec(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
/** CPU seconds used by the processes that carry a delivery: the worker, the downstream, Redis (its pid from INFO) and this process. */
async function cpuSnapshot(ctx: TestContext, workerPid: number, ds: Downstream): Promise<Record<string, number>> {
  const redisPid = Number(/process_id:(\d+)/.exec(String(await ctx.deps.redis.info('server')))?.[1]);
  const own = process.cpuUsage();
  return { worker: cpuSec(workerPid), downstream: cpuSec(ds.child.pid!), redis: cpuSec(redisPid), bench: (own.user + own.system) / 1e6 };
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * The Procfile runs `node dist/src/entry/worker.js`: compile the same way (tsconfig.build.json),
 * once per run, into .scratch/ (git-ignored; inside the repo so node_modules and package.json resolve).
 */
let compiled: Promise<string> | undefined;
const compiledDirs: string[] = [];
function compiledOnce(): Promise<string> {
  compiled ??= (async () => {
    const outDir = join('.scratch', `bench-dist-${randomBytes(4).toString('hex')}`);
    compiledDirs.push(outDir);
    note(`compiling the worker (tsc -p tsconfig.build.json --outDir ${outDir})`);
    const tsc = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', outDir, '--sourceMap', 'false'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    tsc.stdout!.on('data', (c: Buffer) => (output += String(c)));
    tsc.stderr!.on('data', (c: Buffer) => (output += String(c)));
    const [code] = (await once(tsc, 'exit')) as [number | null];
    // tsc emits despite type errors elsewhere in the tree; only a missing entry point is fatal.
    try {
      readFileSync(join(outDir, 'src/entry/worker.js'));
    } catch {
      throw new Error(`tsc exited ${code} without emitting the worker:\n${output.slice(-2000)}`);
    }
    if (code !== 0) note(`tsc exited ${code} (type errors, output still emitted): ${output.split('\n')[0]}`);
    return outDir;
  })();
  return compiled;
}

interface WorkerProcess {
  pid: number;
  logPath: string;
  /** Stops the worker (SIGTERM, graceful) and the RSS sampler. */
  stop(): Promise<{ maxRssMb: number; maxTreeRssMb: number; rssSamples: number; jobFailures: number }>;
}

/** The Procfile's worker, from source, on the scenario's config; RSS sampled every 250 ms. */
async function startWorkerProcess(ctx: TestContext, dir: string): Promise<WorkerProcess> {
  const tree = parseYaml(ctx.configYaml) as Record<string, Record<string, unknown>>;
  tree.logging = { level: 'info' };
  // A config file only takes WORKER_QUEUES when it refers to it (as flywheel.example.yaml does).
  tree.workers = { ...tree.workers, queues: '${WORKER_QUEUES:-}' };
  const configPath = join(dir, 'flywheel.yaml');
  writeFileSync(configPath, stringifyYaml(tree));
  const logPath = join(dir, 'worker.log');
  const logFile = createWriteStream(logPath);
  const entry = WORKER_FROM === 'dist' ? [join(await compiledOnce(), 'src/entry/worker.js')] : ['--import', 'tsx', 'src/entry/worker.ts'];
  const child = spawn(process.execPath, [...WORKER_NODE_ARGS, ...entry], {
    env: { ...process.env, FLYWHEEL_CONFIG: configPath, WORKER_QUEUES: 'deliveries,ops-control,campaigns' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  let jobFailures = 0;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    logFile.write(text);
    if (output.length < 100_000) output += text;
    if (text.includes('worker started')) markReady();
    jobFailures += text.split('"msg":"job failed"').length - 1;
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = once(child, 'exit');
  await Promise.race([
    ready,
    exited.then(() => {
      throw new Error(`worker exited before it started:\n${output.slice(-2000)}`);
    }),
    delay(30_000).then(() => {
      throw new Error(`worker not ready after 30 s:\n${output.slice(-2000)}`);
    }),
  ]);
  let maxRss = 0;
  let maxTree = 0;
  let rssSamples = 0;
  const sample = () => {
    const own = rssKb(child.pid!);
    if (own === 0) return;
    rssSamples++;
    maxRss = Math.max(maxRss, own);
    maxTree = Math.max(maxTree, own + descendants(child.pid!).reduce((sum, pid) => sum + rssKb(pid), 0));
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    pid: child.pid!,
    logPath,
    async stop() {
      clearInterval(timer);
      sample();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
      children.delete(child);
      logFile.end();
      return { maxRssMb: maxRss / 1024, maxTreeRssMb: maxTree / 1024, rssSamples, jobFailures };
    },
  };
}

interface Scenario {
  ctx: TestContext;
  dir: string;
  worker?: WorkerProcess;
}

async function openScenario(config: Record<string, unknown>, users: number): Promise<Scenario> {
  const ctx = await createTestContext({
    config: {
      database: { poolSize: 10 },
      campaigns: { reconcileEverySec: 3600 },
      workers: { shutdownTimeoutSec: 5 },
      ...config,
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'fw-bench-delivery-'));
  try {
    await seedUsers(ctx.deps.db, users, 10);
  } catch (error) {
    await ctx.cleanup();
    throw error;
  }
  return { ctx, dir };
}

async function closeScenario(s: Scenario) {
  const worker = s.worker ? await s.worker.stop() : null;
  await s.ctx.cleanup();
  rmSync(s.dir, { recursive: true, force: true });
  return worker;
}

async function createBenchCampaign(ctx: TestContext, ds: Downstream, mode: 'single' | 'batch', name: string) {
  const input = campaignInputSchema.parse({
    name,
    audience: { type: 'segment', filters: {} },
    template: 'Hi {{user.name}}, news from {{tenant.name}}',
    channel: { url: `${ds.url}/deliver`, secret: SECRET, mode, maxBatch: MAX_BATCH },
  });
  return createCampaign(ctx.deps, input, 'bench', `bench-${name}`);
}

let open: Scenario | undefined;
let downstream: Downstream | undefined;
async function shutdown() {
  if (open) await closeScenario(open).catch(() => {});
  open = undefined;
  for (const child of children) child.kill('SIGKILL');
  for (const dir of compiledDirs) rmSync(dir, { recursive: true, force: true });
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
  /** CPU µs per delivery by process (worker, downstream, Redis, this bench process), launch to completion. */
  cpuPerDeliveryUs: Record<string, number>;
  /** Redis commands (scripts' inner calls included) per delivery, from INFO commandstats before and after; the busiest first. */
  redisPerDelivery: [string, number][];
  rss: { maxRssMb: number; maxTreeRssMb: number; rssSamples: number; jobFailures: number } | null;
}

async function throughput(ds: Downstream, mode: 'batch' | 'single', users: number): Promise<ThroughputResult> {
  note(`(a) ${mode}: seeding ${users} users`);
  const s = (open = await openScenario({ ops: { enabled: false }, workers: { shutdownTimeoutSec: 5, concurrency: { deliveries: A_CONCURRENCY } } }, users));
  let rss: ThroughputResult['rss'] = null;
  try {
    await ds.control({ capacity: UNLIMITED, baseLatencyMs: 0, latencyJitter: 0, errorRate: 0, overloadErrorRate: 0 });
    await ds.reset();
    s.worker = await startWorkerProcess(s.ctx, s.dir);
    const campaign = await createBenchCampaign(s.ctx, ds, mode, `throughput-${mode}`);
    note(`(a) ${mode}: launching ${campaign.id}`);
    const redisBefore = await commandCounts(s.ctx);
    const cpuBefore = await cpuSnapshot(s.ctx, s.worker.pid, ds);
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
    const cpuAfter = await cpuSnapshot(s.ctx, s.worker.pid, ds);
    const counts = await s.ctx.deps.db
      .selectFrom('deliveries')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('delivered_at').as('first'), eb.fn.max('delivered_at').as('last')])
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
    rss = await s.worker.stop();
    s.worker = undefined;
    const totalSec = (finishedAt - t0) / 1000;
    return {
      mode,
      users,
      materialiseSec: (t1 - t0) / 1000,
      totalSec,
      deliveriesPerSec: delivered / totalSec,
      deliveryPhasePerSec: delivered / ((finishedAt - t1) / 1000),
      batchJobsPerSec: Math.ceil(users / MAX_BATCH) / ((finishedAt - t1) / 1000),
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
    const stopped = await closeScenario(s);
    open = undefined;
    if (stopped && !rss) rss = stopped;
  }
}

/** Calls per Redis command since the server started (INFO commandstats). Shared with whoever else uses this Redis: point REDIS_URL at a private one to read them per delivery. */
async function commandCounts(ctx: TestContext): Promise<Map<string, number>> {
  const info = String(await ctx.deps.redis.info('commandstats'));
  return new Map([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

// ---- (b) (c) (d) the closed loop -----------------------------------------------------

interface LoopResult {
  policy: string;
  /** Per second from launch: deliveries recorded, and the fleet concurrency limit and rate at its end. */
  timeline: { second: number; delivered: number; limit: number | undefined; rate: number | undefined }[];
  users: number;
  steady: { goodput: number; downstreamAccepted: number; p50: number | null; p99: number | null; p99All: number | null; errors: number; samples: number };
  drop: {
    appliedAt: number;
    firstAdaptSec: number | null;
    sustainedAdaptSec: number | null;
    refused: number;
    serverErrors: number;
    clientFailures: number;
    /** Client-side failures in the first 2 s after the drop (the adaptation target). */
    failuresFirst2s: number;
    /** From when every later bucket's p99 (client samples) stays within the SLO. */
    latencyRecoveredSec: number | null;
    timeouts: number;
    goodputLate: number;
    p99Late: number | null;
    p99LateAll: number | null;
    ratesPerBucket: number[];
    limits: { at: number; concurrency?: number; ratePerSec?: number }[];
  };
  samplesRead: number;
  rss: { maxRssMb: number; maxTreeRssMb: number; rssSamples: number; jobFailures: number } | null;
  duplicates: number;
  badSignatures: number;
  probes: number;
  autoPaused: boolean;
}

async function closedLoop(ds: Downstream, policy: 'adaptive' | 'aimd' | 'fixed'): Promise<LoopResult> {
  const users = Math.ceil(1.3 * (C * (WARMUP_MS + STEADY_MS) + (C / 4) * AFTER_MS) / 1000) + 1000;
  note(`(b/c) ${policy}: seeding ${users} users`);
  const s = (open = await openScenario(
    {
      ops: {
        enabled: true,
        control: { everyMs: EVERY_MS, latencySloMs: SLO_MS, policy, fixedLimit: 100, fixedRatePerSec: 0.9 * C, fixedBatchSize: 50 },
        // Auto-pause out of reach: this compares send-rate policies, not the pause.
        thresholds: { errorRate: 1, p95LatencyMs: 3_600_000 },
      },
    },
    users,
  ));
  let rss: LoopResult['rss'] = null;
  try {
    await ds.control({ capacity: C, baseLatencyMs: BASE_MS, latencyJitter: 0.1, errorRate: 0, overloadErrorRate: OVERLOAD_ERROR_RATE, maxQueueMs: MAX_QUEUE_MS });
    await ds.reset();
    s.worker = await startWorkerProcess(s.ctx, s.dir);
    const campaign = await createBenchCampaign(s.ctx, ds, 'single', `loop-${policy}`);
    note(`(b/c) ${policy}: launching ${campaign.id}`);
    const t0 = Date.now();
    await startCampaign(s.ctx.deps, campaign.id, `bench-loop-${policy}`, 'bench', { by: 'policy' });
    const limits: { at: number; concurrency?: number; ratePerSec?: number }[] = [];
    const limitTimer = setInterval(() => {
      s.ctx.deps.runtime.limits(campaign.id).then(
        (l) => limits.push({ at: Date.now(), concurrency: l.concurrency, ratePerSec: l.ratePerSec }),
        () => {},
      );
    }, 250);
    let dropAt: number;
    try {
      await delay(t0 + WARMUP_MS + STEADY_MS - Date.now());
      // The downstream's own clock of the change (same host clock as ours and the worker's).
      dropAt = (await ds.control({ capacity: C / 4 })).appliedAt;
      note(`(b/c) ${policy}: capacity ${C} → ${C / 4}`);
      await delay(dropAt + AFTER_MS - Date.now());
    } finally {
      clearInterval(limitTimer);
    }
    const tEnd = Date.now();
    const row = await getCampaign(s.ctx.deps.db, campaign.id);
    const autoPaused = row?.status === 'paused';
    await cancelCampaign(s.ctx.deps, campaign.id, 'bench', 'bench-cancel');

    const steadyFrom = t0 + WARMUP_MS;
    const steadySec = (dropAt - steadyFrom) / 1000;
    const lateFrom = dropAt + AFTER_MS / 2;
    const rows = await s.ctx.deps.db
      .selectFrom('deliveries')
      .select(['latency_ms', 'delivered_at'])
      .where('campaign_id', '=', campaign.id)
      .where('status', '=', 'delivered')
      .execute();
    const delivered = rows.map((r) => ({ at: new Date(r.delivered_at!).getTime(), latency: Number(r.latency_ms) }));
    const inWindow = (from: number, to: number) => delivered.filter((d) => d.at >= from && d.at < to);
    const samples = await s.ctx.deps.runtime.readSamples(campaign.id, t0);
    const samplesIn = (from: number, to: number) => samples.filter((x) => x.at >= from && x.at < to);

    const steadyRows = inWindow(steadyFrom, dropAt);
    const steadySamples = samplesIn(steadyFrom, dropAt);
    const steadyDs = await ds.stats({ from: steadyFrom, to: dropAt, bucketMs: dropAt - steadyFrom });
    const afterDs = await ds.stats({ from: dropAt, to: tEnd, bucketMs: BUCKET_MS });
    const buckets = afterDs.buckets!.filter((b) => b.start + BUCKET_MS <= tEnd);
    const rates = buckets.map((b) => b.arrived / (BUCKET_MS / 1000));
    const threshold = ADAPT_FACTOR * (C / 4);
    const first = rates.findIndex((r) => r <= threshold);
    let sustained: number | null = null;
    // Sustained: judged on 500 ms (two buckets) so one bucket's jitter (a few requests) does not count as a relapse.
    const pairOk = (i: number) => (rates[i]! + (rates[i + 1] ?? rates[i]!)) / 2 <= threshold;
    for (let i = rates.length - 1; i >= 0 && pairOk(i); i--) sustained = i;
    const afterSamples = samplesIn(dropAt, tEnd);
    const lateRows = inWindow(lateFrom, tEnd);
    const lateSamples = samplesIn(lateFrom, tEnd);
    const st = await ds.stats();
    const timeline = Array.from({ length: Math.floor((tEnd - t0) / 1000) }, (_, i) => {
      const at = t0 + (i + 1) * 1000;
      const l = [...limits].reverse().find((x) => x.at <= at);
      return { second: i + 1, delivered: inWindow(at - 1000, at).length, limit: l?.concurrency, rate: l?.ratePerSec };
    });
    rss = await s.worker.stop();
    s.worker = undefined;
    return {
      policy,
      timeline,
      users,
      steady: {
        goodput: steadyRows.length / steadySec,
        downstreamAccepted: steadyDs.buckets![0]!.accepted / steadySec,
        p50: percentile(steadyRows.map((d) => d.latency), 50),
        p99: percentile(steadyRows.map((d) => d.latency), 99),
        p99All: percentile(steadySamples.map((x) => x.latencyMs), 99),
        errors: steadySamples.filter((x) => !x.ok).length,
        samples: steadySamples.length,
      },
      drop: {
        appliedAt: dropAt,
        firstAdaptSec: first < 0 ? null : ((first + 1) * BUCKET_MS) / 1000,
        sustainedAdaptSec: sustained === null ? null : ((sustained + 1) * BUCKET_MS) / 1000,
        refused: afterDs.buckets!.reduce((sum, b) => sum + b.refused, 0),
        serverErrors: afterDs.buckets!.reduce((sum, b) => sum + b.errors, 0),
        clientFailures: afterSamples.filter((x) => !x.ok).length,
        failuresFirst2s: afterSamples.filter((x) => !x.ok && x.at < dropAt + 2000).length,
        latencyRecoveredSec: sustainedFrom(
          buckets.map((b, i) => {
            const inBucket = afterSamples.filter((x) => x.at >= b.start && x.at < b.start + BUCKET_MS).map((x) => x.latencyMs);
            return { at: (i + 1) * BUCKET_MS, ok: inBucket.length === 0 || percentile(inBucket, 99)! <= SLO_MS };
          }),
        ),
        timeouts: afterSamples.filter((x) => !x.ok && x.status === undefined).length,
        goodputLate: lateRows.length / ((tEnd - lateFrom) / 1000),
        p99Late: percentile(lateRows.map((d) => d.latency), 99),
        p99LateAll: percentile(lateSamples.map((x) => x.latencyMs), 99),
        ratesPerBucket: rates,
        limits: limits.map((l) => ({ ...l, at: l.at - dropAt })),
      },
      samplesRead: samples.length,
      rss,
      duplicates: st.idempotency.duplicateRequests,
      badSignatures: st.unauthorized,
      probes: st.probes,
      autoPaused,
    };
  } finally {
    await closeScenario(s);
    open = undefined;
  }
}

// ---- run -------------------------------------------------------------------------------

process.once('SIGINT', () => void shutdown().finally(() => process.exit(130)));
process.once('SIGTERM', () => void shutdown().finally(() => process.exit(143)));

try {
  downstream = await startDownstream();
  const prefix = `benchdl_${randomBytes(4).toString('hex')}`;
  const throughputs: ThroughputResult[] = [];
  const bares: number[] = [];
  const keepAlives: number[] = [];
  if (ONLY.has('a')) {
    note('(a) bare BullMQ no-op');
    bares.push(await bareNoop(`${prefix}a`));
    if (BATCH_USERS > 0) throughputs.push(await throughput(downstream, 'batch', BATCH_USERS));
    if (SINGLE_USERS > 0) {
      note('(a) plain keep-alive HTTP, one process');
      keepAlives.push(await keepAliveHttp(downstream, SINGLE_USERS, SINGLE_IN_FLIGHT));
      throughputs.push(await throughput(downstream, 'single', SINGLE_USERS));
      note('(a) plain keep-alive HTTP again');
      keepAlives.push(await keepAliveHttp(downstream, SINGLE_USERS, SINGLE_IN_FLIGHT));
    }
    note('(a) bare BullMQ no-op again');
    bares.push(await bareNoop(`${prefix}b`));
  }
  const loops: LoopResult[] = [];
  if (ONLY.has('b')) {
    for (const policy of POLICIES) {
      loops.push(await closedLoop(downstream, policy));
    }
  }

  log(`command: ${COMMAND}`);
  log(`total runtime: ${((performance.now() - runStarted) / 1000).toFixed(0)} s`);
  if (ONLY.has('a')) {
    const bare = bares.reduce((a, b) => a + b, 0) / bares.length;
    log('');
    log(`(a) Maximum deliveries/s, no-op downstream (capacity unlimited, 0 ms), ops.enabled false, deliveries concurrency ${A_CONCURRENCY}, channel.maxBatch ${MAX_BATCH} (recipients per job; per request in batch mode)`);
    log(`bare BullMQ no-op (${BARE_JOBS} jobs, concurrency ${BARE_CONCURRENCY}): ${bares.map((b) => b.toFixed(0)).join(' and ')} jobs/s, mean ${bare.toFixed(0)} jobs/s`);
    log('| mode | recipients | rows+jobs created | end to end | deliveries/s (end to end) | ratio to bare | deliveries/s after enqueue | ratio | batch jobs/s | downstream msgs | dup | bad sig | max in flight at downstream | worker max RSS |');
    log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    if (keepAlives.length > 0) {
      const keepAlive = keepAlives.reduce((a, b) => a + b, 0) / keepAlives.length;
      const single = throughputs.find((t) => t.mode === 'single');
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
    for (const t of throughputs)
      log(`${t.mode}: CPU per delivery, launch to completion: ${Object.entries(t.cpuPerDeliveryUs).map(([name, us]) => `${name} ${us.toFixed(0)} µs`).join(', ')} (Postgres not counted)`);
    for (const t of throughputs) log(`${t.mode}: Redis commands per delivery (REDIS_URL=${REDIS_URL}; shared with anyone else using it): ${t.redisPerDelivery.map(([c, n]) => `${c} ${n.toFixed(2)}`).join(', ')}`);
  }
  if (ONLY.has('b')) {
    log('');
    log(
      `(b) Goodput against capacity C = ${C} req/s (base ${BASE_MS} ms ±10%, knee at ${(C * BASE_MS) / 1000} in flight, then latency = in flight / C; 500s growing to ${OVERLOAD_ERROR_RATE * 100}% with queueing; 429 + Retry-After past ${MAX_QUEUE_MS} ms of queue), single mode, ops.control.everyMs ${EVERY_MS}, SLO p99 ${SLO_MS} ms; steady window ${WARMUP_MS / 1000}–${(WARMUP_MS + STEADY_MS) / 1000} s after launch`,
    );
    log('| policy | goodput (deliveries table) | vs 0.9·C | downstream 200/s | p50 | p99 (delivered) | p99 (all requests) | errors | within SLO |');
    log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of loops) {
      log(
        `| ${r.policy} | ${r.steady.goodput.toFixed(1)}/s | ${r.steady.goodput >= 0.9 * C ? 'met' : 'missed'} | ${r.steady.downstreamAccepted.toFixed(1)}/s | ${ms(r.steady.p50)} | ${ms(r.steady.p99)} | ${ms(r.steady.p99All)} | ${r.steady.errors} | ${r.steady.p99All !== null && r.steady.p99All <= SLO_MS ? 'yes' : 'no'} |`,
      );
    }
    log('');
    log(
      `(c) Capacity ${C} → ${C / 4} req/s at ${(WARMUP_MS + STEADY_MS) / 1000} s, watched for ${AFTER_MS / 1000} s. Adapted: the end of the first ${BUCKET_MS} ms bucket after the drop whose arrival rate at the downstream (all delivery requests, refused ones included) is ≤ ${ADAPT_FACTOR}·C/4 = ${(ADAPT_FACTOR * C) / 4}/s; "sustained": from which the rate over every later 500 ms stays ≤ that.`,
    );
    log(`"p99 back in SLO": from when every later ${BUCKET_MS} ms bucket of requests has p99 ≤ ${SLO_MS} ms.`);
    log('| policy | send rate adapts (first bucket) | send rate adapts (sustained) | p99 back in SLO | 429/503 after drop | 500s | client-side failures (incl. timeouts) | of which in first 2 s | timeouts | goodput last half | p99 last half (delivered / all) |');
    log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of loops) {
      const d = r.drop;
      log(
        `| ${r.policy} | ${sec(d.firstAdaptSec)} | ${sec(d.sustainedAdaptSec)} | ${sec(d.latencyRecoveredSec)} | ${d.refused} | ${d.serverErrors} | ${d.clientFailures} | ${d.failuresFirst2s} | ${d.timeouts} | ${d.goodputLate.toFixed(1)}/s | ${ms(d.p99Late)} / ${ms(d.p99LateAll)} |`,
      );
    }
    log('');
    log(`arrival rate per ${BUCKET_MS} ms bucket after the drop (req/s):`);
    for (const r of loops) log(`  ${r.policy.padEnd(8)} ${r.drop.ratesPerBucket.map((v) => v.toFixed(0)).join(' ')}`);
    log('fleet concurrency limit (and rate) around the drop, as published in Redis:');
    for (const r of loops) {
      const at = (t: number) => {
        const l = [...r.drop.limits].reverse().find((x) => x.at <= t);
        return l ? `${fmt(l.concurrency)}/${fmt(l.ratePerSec, 0)}` : 'n/a';
      };
      log(`  ${r.policy.padEnd(8)} ${[-0.25, 0.5, 1, 1.5, 2, 3, 5, 8, AFTER_MS / 1000 - 0.25].map((t) => `${t}s: ${at(t * 1000)}`).join('  ')}`);
    }
    log(`per second from launch (capacity drop at ${(WARMUP_MS + STEADY_MS) / 1000} s): deliveries recorded / fleet concurrency limit at the second's end:`);
    for (const r of loops) log(`  ${r.policy.padEnd(8)} ${r.timeline.map((x) => `${x.delivered}/${fmt(x.limit)}`).join(' ')}`);
    log('');
    log(`(d) Worker process (${WORKER_FROM === 'dist' ? 'node dist/src/entry/worker.js, compiled as the Procfile runs it' : 'node --import tsx src/entry/worker.ts'}${WORKER_NODE_ARGS.length ? ` ${WORKER_NODE_ARGS.join(' ')}` : ''}, WORKER_QUEUES=deliveries,ops-control,campaigns), VmRSS sampled every 250 ms`);
    log('| scenario | max RSS (node) | max RSS incl. child processes | samples | "job failed" log lines |');
    log('| --- | --- | --- | --- | --- |');
    for (const t of throughputs) log(`| (a) ${t.mode} | ${fmt(t.rss?.maxRssMb, 1)} MB | ${fmt(t.rss?.maxTreeRssMb, 1)} MB | ${t.rss?.rssSamples ?? 0} | ${t.rss?.jobFailures ?? 0} |`);
    for (const r of loops) log(`| (b/c) ${r.policy} | ${fmt(r.rss?.maxRssMb, 1)} MB | ${fmt(r.rss?.maxTreeRssMb, 1)} MB | ${r.rss?.rssSamples ?? 0} | ${r.rss?.jobFailures ?? 0} |`);
    log('');
    log('checks: ' + loops.map((r) => `${r.policy}: ${r.users} recipients, ${r.samplesRead} samples read, duplicates ${r.duplicates}, bad signatures ${r.badSignatures}, probes ${r.probes}${r.autoPaused ? ', AUTO-PAUSED' : ''}`).join('; '));
  } else if (ONLY.has('a')) {
    log('');
    log('(d) worker max RSS: see the table above');
  }
} finally {
  await shutdown();
  clearTimeout(watchdog);
}
