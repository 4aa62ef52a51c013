// Ten worker processes against one Redis (or a local three-master Redis Cluster) and Postgres
// through a private PgBouncer, measuring what each unit of work costs the shared services:
//   - Redis commands per delivery and per approval (INFO commandstats deltas, every node);
//   - Postgres statements per delivery and per approval (PgBouncer's SHOW STATS query count:
//     every statement of every process goes through it, and nobody else uses it);
//   - Redis CPU per delivery (INFO cpu used_cpu_sys + used_cpu_user deltas), and from it the
//     deliveries/s at which one Redis core (the busiest node on a cluster) would be saturated.
// Baseline measured in the same run: the idle fleet's Redis commands/s and CPU over `--idle-sec`
// (schedulers, stalled-job checks, the Ops loop), subtracted from each phase to give the
// per-unit cost of the work alone; raw figures are printed too.
// Processes, as docs/operations.md recommends: `--delivery-workers` (8) `WORKER_QUEUES=delivery`,
// one `agents`, one `notifications` worker: 10 in all. This process is the `web` (API calls
// through the in-process app) and the downstream (test/support/test-downstream.ts, no latency).
//
// Usage: npx tsx bench/fleet-workers.ts [--redis single|cluster] [--users 20000] [--modes batch,single]
//   [--max-batch 100] [--concurrency 64] [--approvals 300] [--approval-timeout-sec 90] [--idle-sec 10]
//   [--delivery-workers 8]
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parse, stringify } from 'yaml';
import { createApp } from '../src/api/app.js';
import { withoutEnvOverrides } from '../src/config/env-overrides.js';
import { ensureRedis, freePort } from '../src/redis/local-server.js';
import { createTestContext, testConfigTree, type TestContext } from '../test/support/deps.js';
import { startPgbouncer } from '../test/support/pgbouncer.js';
import { startLocalCluster } from '../test/support/redis-cluster.js';
import { seedUsers } from '../test/support/seed-users.js';
import { createSchema, TEST_DATABASE_URL } from '../test/support/services.js';
import { TestDownstream } from '../test/support/test-downstream.js';
import { bearer, TOKENS } from '../test/support/tokens.js';
import { waitFor } from '../test/support/wait-for.js';
import { buildOnce } from '../test/support/build.js';
import { configFile } from '../test/support/worker-process.js';

const { values: args } = parseArgs({
  options: {
    redis: { type: 'string', default: 'single' },
    users: { type: 'string', default: '20000' },
    modes: { type: 'string', default: 'batch,single' },
    'max-batch': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '64' },
    approvals: { type: 'string', default: '300' },
    // Every priority's approval timeout in the approvals phase: short, so each request's expiry and
    // escalation timers fire (and are counted) inside the measurement; decisions must come first.
    'approval-timeout-sec': { type: 'string', default: '90' },
    'idle-sec': { type: 'string', default: '10' },
    'delivery-workers': { type: 'string', default: '8' },
  },
});
const USERS = Number(args.users);
const SECRET = 'downstream-secret-0123456789';
const AGENT = 'bench-agent-token-0123456789abcdef';
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789';

interface NodeSample {
  calls: number;
  cpuSec: number;
  perCommand: Map<string, number>;
}
interface Sample {
  at: number;
  nodes: NodeSample[];
  queries: number;
  xacts: number;
  waitUs: number;
}

async function nodeSample(client: Redis): Promise<NodeSample> {
  const [stats, cpu] = await Promise.all([client.info('commandstats'), client.info('cpu')]);
  const perCommand = new Map<string, number>();
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const n = Number(match[2]);
    // INFO itself is ours, not Flywheel's.
    if (match[1] === 'info') continue;
    perCommand.set(match[1]!, n);
    calls += n;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { calls, cpuSec: field('used_cpu_sys') + field('used_cpu_user'), perCommand };
}

function diff(a: Sample, b: Sample) {
  const nodes = b.nodes.map((n, i) => ({ calls: n.calls - a.nodes[i]!.calls, cpuSec: n.cpuSec - a.nodes[i]!.cpuSec }));
  const perCommand = new Map<string, number>();
  b.nodes.forEach((n, i) => {
    for (const [cmd, calls] of n.perCommand) perCommand.set(cmd, (perCommand.get(cmd) ?? 0) + calls - (a.nodes[i]!.perCommand.get(cmd) ?? 0));
  });
  return {
    sec: (b.at - a.at) / 1000,
    calls: nodes.reduce((s, n) => s + n.calls, 0),
    cpuSec: nodes.reduce((s, n) => s + n.cpuSec, 0),
    busiestCpuSec: Math.max(...nodes.map((n) => n.cpuSec)),
    nodes,
    perCommand,
    queries: b.queries - a.queries,
    xacts: b.xacts - a.xacts,
    waitSec: (b.waitUs - a.waitUs) / 1e6,
  };
}
type Delta = ReturnType<typeof diff>;

const step = (what: string) => process.stderr.write(`# ${new Date().toISOString().slice(11, 19)} ${what}\n`);
interface WorkerProcess {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<unknown>;
}

/** A worker as the Procfile runs it (`node dist/src/entry/worker.js`): tsx would compile the tree in each of the ten. */
function startWorkerProcess(configPath: string, queues: string): WorkerProcess {
  const child = spawn(process.execPath, ['dist/src/entry/worker.js'], {
    env: { ...withoutEnvOverrides(process.env), FLYWHEEL_CONFIG: configPath, WORKER_QUEUES: queues },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker started')) resolve();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    void exited.then(() => reject(new Error(`worker exited before it started:\n${output.slice(-2000)}`)));
  });
  return { child, ready, exited };
}

/** The agent's end of the decision webhooks: counts each event once (a retry repeats its id). */
async function startWebhookReceiver() {
  const events = new Set<string>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      events.add(String(req.headers['x-flywheel-event-id']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/decisions`,
    events,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

async function main() {
  step('building dist (tsc -p tsconfig.build.json) unless up to date');
  await buildOnce();
  const schema = await createSchema();
  step('starting pgbouncer and redis');
  const bouncer = await startPgbouncer(TEST_DATABASE_URL, schema.schema);
  let redisUrl: string;
  let nodeClients: Redis[];
  let stopRedis: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'fw-fleet-'));
  if (args.redis === 'cluster') {
    const cluster = await startLocalCluster({ masters: 3, replicasPerMaster: 0 });
    redisUrl = cluster.url;
    nodeClients = cluster.nodes.map((n) => new Redis({ port: n.port, host: '127.0.0.1', lazyConnect: false }));
    stopRedis = () => cluster.stop();
  } else {
    const local = await ensureRedis(`redis://127.0.0.1:${await freePort()}`, { startLocal: true, dir });
    redisUrl = local.url;
    nodeClients = [new Redis(local.url)];
    stopRedis = () => local.stop();
  }
  for (const c of nodeClients) c.on('error', () => {});

  step('building deps (migrations)');
  const tokens = (testConfigTree('', '') as { auth: { tokens: object[] } }).auth.tokens;
  const ctx: TestContext = await createTestContext({
    redisUrl,
    database: { schema, url: bouncer.url },
    config: {
      redis: { url: redisUrl, cluster: args.redis === 'cluster' },
      database: { poolSize: 4 },
      auth: { tokens: [...tokens, { name: 'bench-agent', id: 'bench', token: AGENT, roles: ['agent'], webhookSecret: WEBHOOK_SECRET }] },
      approvals: { timeoutsSec: Object.fromEntries(['critical', 'high', 'normal', 'low'].map((p) => [p, Number(args['approval-timeout-sec'])])) },
      campaigns: { reconcileEverySec: 60 },
    },
  });
  const app = createApp(ctx.deps);
  // The bench's own waiting polls Postgres directly, past PgBouncer, and never Redis, so that
  // neither count holds anything but the fleet's and the API calls' work.
  const watcher = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await watcher.connect();
  await watcher.query(`set search_path = ${schema.schema}`);
  const scalar = async (sql: string, params: unknown[]) => Number(Object.values((await watcher.query(sql, params)).rows[0] ?? { n: 0 })[0]);
  const call = async (method: string, path: string, token: string, body?: unknown) =>
    app.request(
      path,
      body === undefined
        ? { method, headers: bearer(token) }
        : { method, headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
  const downstream = await new TestDownstream(SECRET).start();
  const receiver = await startWebhookReceiver();
  const configPath = configFile(stringify({ ...(parse(ctx.configYaml) as object), logging: { level: 'info' } }));
  const workers: WorkerProcess[] = [];

  const sample = async (): Promise<Sample> => {
    const [nodes, stats] = await Promise.all([Promise.all(nodeClients.map(nodeSample)), bouncer.stats()]);
    return {
      at: Date.now(),
      nodes,
      queries: Number(stats.total_query_count),
      xacts: Number(stats.total_xact_count),
      waitUs: Number(stats.total_wait_time ?? 0),
    };
  };

  try {
    step('seeding users');
    await seedUsers(ctx.deps.db, USERS);
    step('starting workers');
    const groups = [...Array.from({ length: Number(args['delivery-workers']) }, () => 'delivery'), 'agents', 'notifications'];
    for (const group of groups) workers.push(startWorkerProcess(configPath, group));
    await Promise.all(workers.map((w) => w.ready));
    process.stdout.write(
      `# ${workers.length} worker processes (${groups.join(',')}); Redis ${args.redis} (${nodeClients.length} node(s)); Postgres through PgBouncer (transaction mode)\n`,
    );

    // Baseline: the idle fleet.
    const idleFrom = await sample();
    await new Promise((resolve) => setTimeout(resolve, Number(args['idle-sec']) * 1000));
    const idle = diff(idleFrom, await sample());
    const idleCallsPerSec = idle.calls / idle.sec;
    const idleCpuPerSec = idle.cpuSec / idle.sec;
    const idleBusiestCpuPerSec = idle.busiestCpuSec / idle.sec;
    const idleQueriesPerSec = idle.queries / idle.sec;
    process.stdout.write(
      `idle fleet: ${fmt(idleCallsPerSec, 0)} Redis commands/s, Redis CPU ${fmt(idleCpuPerSec * 100, 1)}%, ${fmt(idleQueriesPerSec, 1)} Postgres statements/s\n`,
    );

    const report = (what: string, units: number, d: Delta) => {
      const calls = d.calls - idleCallsPerSec * d.sec;
      const cpu = d.cpuSec - idleCpuPerSec * d.sec;
      const busiest = d.busiestCpuSec - idleBusiestCpuPerSec * d.sec;
      const queries = d.queries - idleQueriesPerSec * d.sec;
      const top = [...d.perCommand]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([c, n]) => `${c} ${fmt(n / units, 2)}`)
        .join(', ');
      const rate = units / d.sec;
      // Redis runs commands on one thread: it saturates when its CPU use reaches one core.
      const saturation = busiest > 0 ? units / busiest : Number.POSITIVE_INFINITY;
      process.stdout.write(
        [
          `${what}: ${units} in ${fmt(d.sec, 1)} s = ${fmt(rate, 0)}/s`,
          `  Redis commands per unit: ${fmt(calls / units, 2)} (raw ${fmt(d.calls / units, 2)}, idle baseline ${fmt((idleCallsPerSec * d.sec) / units, 2)})`,
          `  top commands per unit (raw): ${top}`,
          `  Redis CPU: ${fmt((d.cpuSec / d.sec) * 100, 1)}% of a core (idle ${fmt(idleCpuPerSec * 100, 1)}%); ${fmt((cpu / units) * 1e6, 1)} µs per unit; busiest node ${fmt((busiest / units) * 1e6, 1)} µs per unit` +
            (nodeClients.length > 1 ? ` (per node: ${d.nodes.map((n) => fmt((n.cpuSec / d.sec) * 100, 1) + '%').join(' / ')})` : ''),
          `  Redis saturation estimate: ${fmt(saturation, 0)} units/s at one core on the busiest node (${fmt(saturation / rate, 1)}x this run's rate)`,
          `  Postgres statements per unit: ${fmt(queries / units, 2)} (raw ${fmt(d.queries / units, 2)}), transactions per unit ${fmt(d.xacts / units, 2)}, pooler wait ${fmt(d.waitSec, 2)} s`,
          '',
        ].join('\n'),
      );
    };

    for (const mode of args.modes.split(',').filter(Boolean)) {
      const created = await call('POST', '/api/v1/campaigns', TOKENS.operator, {
        name: `fleet ${mode}`,
        audience: { type: 'segment', filters: {} },
        template: 'Hi {{user.name}}',
        channel: { url: downstream.url, secret: SECRET, mode, maxBatch: Number(args['max-batch']), timeoutMs: 5000 },
      });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
      const { id } = (await created.json()) as { id: string };
      await call('PUT', `/api/v1/campaigns/${id}/limits`, TOKENS.operator, { concurrency: Number(args.concurrency) });
      const from = await sample();
      const launched = (await (await call('POST', `/api/v1/campaigns/${id}/launch`, TOKENS.operator)).json()) as { outcome: string };
      if (launched.outcome !== 'applied') throw new Error(`launch: ${JSON.stringify(launched)}`);
      await waitFor(async () => (await scalar(`select count(*) from campaigns where id = $1 and status = 'completed'`, [id])) === 1, {
        timeoutMs: 900_000,
        what: `${mode} campaign completion`,
      });
      report(`deliveries (${mode} mode${mode === 'batch' ? `, ${args['max-batch']} per request` : ''})`, USERS, diff(from, await sample()));
    }

    const count = Number(args.approvals);
    if (count > 0) {
      // What an outside agent's approval costs end to end: filed over the API with a callback URL,
      // approved on the console, its signed decision webhook sent by the agents worker; and each
      // request's expiry and escalation timers (delayed jobs): removed once it is decided, or, where
      // they are left behind, firing as no-ops at their deadline. The phase ends when every timer
      // has run or the last deadline has passed by a margin, whichever comes first.
      const from = await sample();
      const filed: { id: string; payloadHash: string }[] = [];
      for (let i = 0; i < count; i++) {
        const res = await call('POST', '/api/v1/approvals', AGENT, { kind: 'bench.shift', title: `bench ${i}`, payload: { i }, callbackUrl: receiver.url });
        if (res.status !== 201) throw new Error(`file: ${res.status} ${await res.text()}`);
        filed.push((await res.json()) as { id: string; payloadHash: string });
      }
      const lastFiledAt = Date.now();
      for (const f of filed) {
        const res = await call('POST', `/api/v1/approvals/${f.id}/decision`, TOKENS.approver, { decision: 'approve', payloadHash: f.payloadHash });
        if (res.status !== 200) throw new Error(`decide: ${res.status} ${await res.text()}`);
      }
      const decidedSec = (Date.now() - from.at) / 1000;
      const timeoutSec = Number(args['approval-timeout-sec']);
      if (decidedSec > timeoutSec / 2)
        process.stdout.write(
          `warning: filing and deciding took ${fmt(decidedSec, 1)} s, past the escalation time (${timeoutSec / 2} s): escalations did real work\n`,
        );
      await waitFor(() => receiver.events.size >= count, { timeoutMs: 300_000, what: 'every decision webhook at the receiver' });
      const webhooked = await sample();
      const webhooksSec = (webhooked.at - from.at) / 1000;
      // The approvals queue records its runs in job_runs: each request's expire and escalate job.
      const timersRun = () =>
        scalar(`select count(*) from job_runs where queue = 'approvals' and job_name in ('expire', 'escalate') and status = 'completed'`, []);
      const lastDeadline = lastFiledAt + timeoutSec * 1000 + 15_000;
      await waitFor(async () => (await timersRun()) >= 2 * count || Date.now() > lastDeadline, {
        timeoutMs: (timeoutSec + 120) * 1000,
        what: 'every expiry and escalation timer run, or their last deadline past',
      });
      const ran = await timersRun();
      const end = await sample();
      // Read after the last sample: Redis is not polled during the measurement.
      const left = await ctx.deps.queues.get('approvals').getJobCounts('delayed', 'waiting', 'active');
      const approved = await scalar(`select count(*) from approval_requests where requester = 'bench-agent' and status = 'approved'`, []);
      process.stdout.write(
        `approvals: ${approved}/${count} approved; filed and decided in ${fmt(decidedSec, 1)} s, every webhook received at ${fmt(webhooksSec, 1)} s; ` +
          `timers: ${ran} of ${2 * count} ran, ${left.delayed} delayed / ${left.waiting} waiting / ${left.active} active left in the approvals queue at the end\n`,
      );
      // The timers fire a timeout after filing, with idle time between: their CPU is better read
      // from the whole; the first part is the work a person and an agent wait on.
      report(
        'approvals, filed to webhook received (filed by an agent over the API, approved on the console, webhook sent by the agents worker)',
        count,
        diff(from, webhooked),
      );
      report(
        'approvals, their expiry and escalation timers up to their deadline (two delayed jobs per request; a run is a no-op once it is decided)',
        count,
        diff(webhooked, end),
      );
      report('approvals, whole life (both of the above)', count, diff(from, end));
    }
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.race([Promise.all(workers.map((w) => w.exited)), new Promise((resolve) => setTimeout(resolve, 15_000))]);
    for (const w of workers) w.child.kill('SIGKILL');
    await downstream.stop();
    await receiver.stop();
    await watcher.end();
    await ctx.cleanup();
    for (const c of nodeClients) c.disconnect();
    await bouncer.stop();
    await stopRedis();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
