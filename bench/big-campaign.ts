// Target 5 of issue #16: one campaign to a large audience (default 1,000,000), measured from
// outside as an operator would see it:
//   - the launch request's time (POST /launch; the policy allows it, a worker materialises);
//   - materialisation rows/s (from the first delivery row to `materialised_at`, and from the launch),
//     against one plain INSERT … SELECT of the same rows after the campaign, in the same run;
//   - the peak RSS of the web and the worker process (the kernel's VmHWM; also sampled every 250 ms);
//   - the time of API reads of the campaign's progress (GET /campaigns/:id), every 100 ms while it runs,
//     with two baselines read in the same ticks (in turn first): GET /readyz (one Postgres `select 1`
//     and one Redis PING at once, the least I/O a read of Postgres and Redis can do) and GET /healthz
//     (no I/O: HTTP and the scheduler of this 2-core machine alone), and this process's own event-loop
//     delay (a late timer here would be counted in every figure).
// Processes as the Procfile runs them (`node dist/src/entry/web.js`, the worker line with its
// flags), compiled with tsconfig.build.json into .scratch/; a no-op downstream
// (bench/downstream/server.ts); a Postgres schema and Redis prefix of its own, removed at the end.
// Web, worker and downstream each run in a session of their own, as separate dynos and a remote
// downstream would: where the kernel groups CPU time by session (sched_autogroup_enabled=1), a
// web process in the bench's session would share one group's CPU share with the busy worker and
// downstream, as no deployment does (`--same-session` measures it that way). Postgres and Redis
// are in their own sessions already.
//
// Usage: npx tsx bench/big-campaign.ts [--users 1000000] [--mode batch|single] [--max-batch 100]
//   [--deliver-sec 120]   (stop watching, and cancel, after this long past materialisation; 0: until completed)
//   [--same-session]
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { Pool } from 'undici';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { withoutEnvOverrides } from '../src/config/env-overrides.js';
import { createTestContext } from '../test/support/deps.js';
import { bearer, TOKENS } from '../test/support/tokens.js';
import { compileForBench, cpuSec, peakRssMb, percentile, postgresCpuSec, rssMb, startDownstream } from './support/processes.js';
import { launchAtOncePolicy } from './support/launch-policy.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    mode: { type: 'string', default: 'batch' },
    'max-batch': { type: 'string', default: '100' },
    'deliver-sec': { type: 'string', default: '120' },
    'same-session': { type: 'boolean', default: false },
  },
});
const USERS = Number(args.users);
const MODE = args.mode === 'single' ? 'single' : 'batch';
const MAX_BATCH = Number(args['max-batch']);
const DELIVER_MS = Number(args['deliver-sec']) * 1000;
const OWN_SESSIONS = !args['same-session'];
const SECRET = 'bench-downstream-secret-0123456789';
const COMMAND = `npx tsx bench/big-campaign.ts ${process.argv.slice(2).join(' ')}`.trim();
const PROCFILE = readFileSync('Procfile', 'utf8');
const nodeArgs = (role: string) =>
  (new RegExp(`^${role}:\\s*node\\s+(.*?)\\s*dist/src/entry/${role}\\.js`, 'm').exec(PROCFILE)?.[1] ?? '').split(' ').filter(Boolean);
const note = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const log = (line: string) => process.stdout.write(`${line}\n`);

const autogroup = () => {
  try {
    return readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim();
  } catch {
    return 'n/a';
  }
};

const children: ChildProcess[] = [];
// Children in sessions of their own do not get the terminal's Ctrl-C: pass it on.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  });
const policy = launchAtOncePolicy(USERS);
const ctx = await createTestContext({ config: { ops: { enabled: false }, campaigns: { reconcileEverySec: 3600 }, database: { poolSize: 10 }, policy } });
const cleanup: (() => Promise<void> | void)[] = [() => ctx.cleanup()];
try {
  note(`seeding ${USERS.toLocaleString('en-US')} users`);
  await sql`insert into tenants (id, name, plan, seats) select 't' || i, 'Tenant ' || i, 'pro', 10 from generate_series(0, 9) i`.execute(ctx.deps.db);
  await sql`insert into users (id, tenant_id, name, email)
            select 'b' || lpad(i::text, 7, '0'), 't' || (i % 10), 'User ' || i, 'b' || i || '@example.com' from generate_series(0, ${USERS - 1}::int) i`.execute(
    ctx.deps.db,
  );
  await sql`analyze users`.execute(ctx.deps.db);

  const downstream = await startDownstream(SECRET, [], { ownSession: OWN_SESSIONS });
  children.push(downstream.child);
  await downstream.control({ capacity: 1e9, baseLatencyMs: 0, latencyJitter: 0, errorRate: 0, overloadErrorRate: 0 });

  const dist = await compileForBench(note);
  cleanup.push(() => rmSync(dist, { recursive: true, force: true }));
  const tree = parseYaml(ctx.configYaml) as Record<string, Record<string, unknown>>;
  tree.logging = { level: 'info' };
  tree.server = { ...tree.server, port: 0, host: '127.0.0.1' };
  const configPath = join(dist, 'flywheel.yaml');
  writeFileSync(configPath, stringifyYaml(tree));
  const start = async (role: 'web' | 'worker', readyLine: RegExp) => {
    const child = spawn(process.execPath, [...nodeArgs(role), join(dist, `src/entry/${role}.js`)], {
      env: { ...withoutEnvOverrides(process.env), FLYWHEEL_CONFIG: configPath },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: OWN_SESSIONS,
    });
    children.push(child);
    let output = '';
    const ready = new Promise<RegExpExecArray>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        if (output.length < 200_000) output += String(chunk);
        const m = readyLine.exec(output);
        if (m) resolve(m);
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('exit', (code) => reject(new Error(`${role} exited (${code}):\n${output.slice(-2000)}`)));
    });
    return { child, ready: await Promise.race([ready, delay(60_000).then(() => Promise.reject(new Error(`${role} not ready after 60 s`)))]) };
  };
  const web = await start('web', /"port":(\d+)[^\n]*web listening/);
  const worker = await start('worker', /worker started/);
  // One keep-alive connection, through undici's dispatcher rather than the global fetch, whose own
  // CPU per request (see ARCHITECTURE.md) would count in every figure on this shared machine.
  const client = new Pool(`http://127.0.0.1:${web.ready[1]}`, { connections: 1 });
  cleanup.push(() => client.close());
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await client.request(
      body === undefined
        ? { method, path, headers: bearer(TOKENS.operator) }
        : { method, path, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) },
    );
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };

  // Sampled every 250 ms (what a dashboard would show), and the kernel's high-water mark, which
  // no spike escapes (the worker's lasted a few ms, between two samples).
  const rss = { web: 0, worker: 0 };
  const sampler = setInterval(() => {
    rss.web = Math.max(rss.web, rssMb(web.child.pid!));
    rss.worker = Math.max(rss.worker, rssMb(worker.child.pid!));
  }, 250);
  cleanup.push(() => clearInterval(sampler));

  const created = await call('POST', '/api/v1/campaigns', {
    name: 'big',
    audience: { type: 'segment', filters: {} },
    template: 'Hi {{user.name}}, news from {{tenant.name}}',
    channel: { url: `${downstream.url}/deliver`, secret: SECRET, mode: MODE, maxBatch: MAX_BATCH },
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const id = String(created.body.id);
  note(`launching ${id} (${MODE}, ${MAX_BATCH} per batch)`);
  const cpuAt = () => ({
    web: cpuSec(web.child.pid!),
    worker: cpuSec(worker.child.pid!),
    downstream: cpuSec(downstream.child.pid!),
    postgres: postgresCpuSec(),
  });
  const cpu0 = cpuAt();
  const launchStarted = performance.now();
  const launched = await call('POST', `/api/v1/campaigns/${id}/launch`);
  const launchMs = performance.now() - launchStarted;
  const launchedAt = Date.now();
  if (launched.body.outcome !== 'applied') throw new Error(`launch: ${launched.status} ${JSON.stringify(launched.body)}`);

  // Each read's time, and whether materialisation had finished when its tick began.
  type Read = { ms: number; materialising: boolean };
  const reads = { progress: [] as Read[], readyz: [] as Read[], healthz: [] as Read[] };
  const timed = async (into: Read[], path: string) => {
    const t = performance.now();
    const res = await call('GET', path);
    into.push({ ms: performance.now() - t, materialising: materialisedAt === null });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const ownDelay = monitorEventLoopDelay({ resolution: 1 });
  ownDelay.enable();
  let firstRowAt: number | null = null;
  let materialisedAt: number | null = null;
  let status = '';
  let delivered = 0;
  for (let tick = 0; ; tick++) {
    let view: Awaited<ReturnType<typeof call>> | undefined;
    const reading = [
      async () => (view = await timed(reads.progress, `/api/v1/campaigns/${id}`)),
      () => timed(reads.readyz, '/readyz'),
      () => timed(reads.healthz, '/healthz'),
    ];
    for (let i = 0; i < reading.length; i++) await reading[(tick + i) % reading.length]!();
    status = String(view!.body.status);
    delivered = Number((view!.body.progress as { delivered?: number } | undefined)?.delivered ?? 0);
    const row = await ctx.deps.db.selectFrom('campaigns').select(['materialised_count', 'materialised_at']).where('id', '=', id).executeTakeFirstOrThrow();
    if (firstRowAt === null && row.materialised_count > 0) firstRowAt = Date.now();
    if (materialisedAt === null && row.materialised_at) {
      materialisedAt = new Date(row.materialised_at).getTime();
      note(`materialised ${row.materialised_count.toLocaleString('en-US')} rows`);
    }
    // pending_approval until the worker has run the launch's apply job.
    if (status !== 'running' && status !== 'pending_approval') break;
    if (materialisedAt !== null && DELIVER_MS > 0 && Date.now() - materialisedAt > DELIVER_MS) {
      note(`stopping after ${DELIVER_MS / 1000} s of delivery (${delivered.toLocaleString('en-US')} delivered)`);
      await call('POST', `/api/v1/campaigns/${id}/cancel`);
      break;
    }
    if (Date.now() - launchedAt > 30 * 60_000) throw new Error('not done after 30 minutes');
    await delay(100);
  }
  const finished = Date.now();
  const cpu1 = cpuAt();
  const peak = { web: peakRssMb(web.child.pid!), worker: peakRssMb(worker.child.pid!) };

  // What this Postgres takes at all, in the same run: the same rows in one plain INSERT … SELECT into
  // a copy of deliveries (its indexes and defaults, no foreign keys), with nothing else running.
  note('baseline: one INSERT … SELECT of the same rows');
  await sql`create table bench_deliveries (like deliveries including all)`.execute(ctx.deps.db);
  const insertStarted = performance.now();
  const inserted = await sql`
    insert into bench_deliveries (campaign_id, user_id, batch_no, status, variables, reward, updated_at)
    select ${id}, u.id, (row_number() over (order by u.id) - 1) / ${MAX_BATCH}::int, 'pending', '{}'::jsonb, '{}'::jsonb, now()
    from users u order by u.id`.execute(ctx.deps.db);
  const insertSec = (performance.now() - insertStarted) / 1000;
  const insertedRows = Number(inserted.numAffectedRows ?? 0n);
  const rows = await ctx.deps.db.selectFrom('campaigns').select(['materialised_count', 'materialised_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const materialised = rows.materialised_count;
  const matSec = materialisedAt === null ? null : (materialisedAt - launchedAt) / 1000;
  const firstSec = materialisedAt === null || firstRowAt === null ? null : (materialisedAt - firstRowAt) / 1000;
  const f = (v: number | null, d = 0) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toLocaleString('en-US', { maximumFractionDigits: d }));

  log(`command: ${COMMAND}`);
  log(
    `audience ${USERS.toLocaleString('en-US')} users, ${MODE} mode, maxBatch ${MAX_BATCH}; ended ${status} after ${((finished - launchedAt) / 1000).toFixed(1)} s, ${delivered.toLocaleString('en-US')} delivered`,
  );
  log('| measure | figure | target |');
  log('| --- | --- | --- |');
  log(`| launch request (POST /launch) | ${launchMs.toFixed(1)} ms | < 100 ms |`);
  log(
    `| materialisation, launch to materialised_at | ${f(materialised)} rows in ${f(matSec, 2)} s = ${f(matSec ? materialised / matSec : null)} rows/s | ≥ 50,000 rows/s |`,
  );
  log(
    `| materialisation, first row seen to materialised_at (polled every ~100 ms) | ${f(firstSec, 2)} s = ${f(firstSec ? materialised / firstSec : null)} rows/s | |`,
  );
  const plainRate = insertedRows / insertSec;
  log(
    `| baseline: one plain INSERT … SELECT of ${f(insertedRows)} such rows, after the campaign | ${f(insertSec, 2)} s = ${f(plainRate)} rows/s; materialisation / this = ${matSec ? (materialised / matSec / plainRate).toFixed(2) : 'n/a'} | |`,
  );
  log(`| web peak RSS (VmHWM) | ${peak.web.toFixed(1)} MB (sampled every 250 ms: ${rss.web.toFixed(1)} MB) | < 150 MB |`);
  log(`| worker peak RSS (VmHWM) | ${peak.worker.toFixed(1)} MB (sampled every 250 ms: ${rss.worker.toFixed(1)} MB) | < 150 MB |`);
  const cores = (k: keyof typeof cpu0) => `${k} ${((cpu1[k] - cpu0[k]) / ((finished - launchedAt) / 1000)).toFixed(2)}`;
  ownDelay.disable();
  const ms = (v: Read[], materialising?: boolean) => v.filter((r) => materialising === undefined || r.materialising === materialising).map((r) => r.ms);
  const times = (v: number[]) => `p50 ${f(percentile(v, 50), 1)} ms, p99 ${f(percentile(v, 99), 1)} ms, max ${f(Math.max(...v), 1)} ms`;
  const p99Ratio = (a: number[], b: number[]) => ((percentile(a, 99) ?? Number.NaN) / (percentile(b, 99) ?? Number.NaN)).toFixed(2);
  const phases = (v: Read[]) => {
    const [during, after] = [ms(v, true), ms(v, false)];
    return `materialising: p99 ${f(percentile(during, 99), 1)} ms (${during.length}); after: p99 ${f(percentile(after, 99), 1)} ms (${after.length})`;
  };
  log(`| progress reads (GET /campaigns/:id, ${reads.progress.length} while it ran) | ${times(ms(reads.progress))} | p99 < 20 ms |`);
  log(
    `| baseline: GET /readyz (Postgres \`select 1\` and Redis PING at once), same ticks | ${times(ms(reads.readyz))}; progress p99 / this p99 = ${p99Ratio(ms(reads.progress), ms(reads.readyz))} | |`,
  );
  log(
    `| baseline: GET /healthz (no I/O), same ticks | ${times(ms(reads.healthz))}; progress p99 / this p99 = ${p99Ratio(ms(reads.progress), ms(reads.healthz))} | |`,
  );
  for (const [name, v] of Object.entries(reads)) log(`| ${name} by phase | ${phases(v)} | |`);
  log(`| web, worker, downstream each in a session of its own | ${OWN_SESSIONS ? 'yes' : 'no (--same-session)'}; sched_autogroup_enabled=${autogroup()} | |`);
  log(`| cores used from launch to the end (CPU s / s) | ${(['web', 'worker', 'downstream', 'postgres'] as const).map(cores).join(', ')} | |`);
  log(`| this process's event-loop delay | p99 ${f(ownDelay.percentile(99) / 1e6, 1)} ms, max ${f(ownDelay.max / 1e6, 1)} ms | |`);
} finally {
  for (const child of children) {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    if (child.exitCode === null) await once(child, 'exit').catch(() => {});
    clearTimeout(killer);
  }
  for (const step of cleanup.reverse()) await step();
}
