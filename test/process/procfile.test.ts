import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnosticsQueue } from '../../queues/diagnostics.js';
import { buildOnce } from '../support/build.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { readProcfile, type RunningProcess, startProcess } from '../support/procfile.js';
import { waitFor } from '../support/wait-for.js';

describe('Procfile processes', () => {
  let ctx: TestContext;
  let env: Record<string, string>;
  const started: RunningProcess[] = [];

  before(async () => {
    // The Procfile runs the compiled build, as production does.
    await buildOnce();
    ctx = await createTestContext({
      config: {
        ops: { monitor: { everySec: 1 } },
        // Long enough that a loaded machine never loses a held job's lock mid-test.
        workers: { shutdownTimeoutSec: 10, lockDurationSec: 5 },
        logging: { level: 'info' },
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'fw-procfile-'));
    writeFileSync(join(dir, 'flywheel.yaml'), ctx.configYaml);
    env = { FLYWHEEL_CONFIG: join(dir, 'flywheel.yaml') };
  });
  after(async () => {
    for (const p of started) p.signal('SIGKILL');
    await ctx.cleanup();
  });

  it('declares the release, web and worker processes', () => {
    const types = Object.keys(readProcfile());
    for (const type of ['web', 'worker', 'release']) assert.ok(types.includes(type), `Procfile lacks ${type}`);
  });

  it('bounds the young generation of web (4 MB) and worker (8 MB), which keeps their RSS under 150 MB (issue #16)', () => {
    // V8's default (16 MB semi-spaces) left the web process 32 MB of new space holding ~4 MB live.
    // The worker allocates per delivery: 8 MB costs it ~10 MB of RSS and saves ~9 % of its CPU in single mode.
    const procfile = readProcfile();
    assert.match(procfile.web ?? '', /--max-semi-space-size=4\b/, `web: ${procfile.web}`);
    assert.match(procfile.worker ?? '', /--max-semi-space-size=8\b/, `worker: ${procfile.worker}`);
  });

  it("keeps the worker's WebAssembly on Liftoff, whose peak RSS stayed under 150 MB (issue #16)", () => {
    // undici parses HTTP with llhttp compiled to WebAssembly. V8 tiers its one large function up to
    // TurboFan a second or two into a campaign; the register allocator's zone took ~36 MB for ~0.5 s,
    // which took the worker's peak RSS (VmHWM) to 148–154 MB. On Liftoff the worker also spent less CPU per
    // single-mode delivery (bench/RESULTS.md).
    assert.match(readProcfile().worker ?? '', /--liftoff-only\b/, 'worker lacks --liftoff-only');
  });

  it('runs each scheduled tick exactly once across three worker processes', async () => {
    const workers = [0, 1, 2].map(() => startProcess('worker', env));
    started.push(...workers);
    await waitFor(() => workers.every((w) => w.output().includes('worker started')), { what: 'three workers', timeoutMs: 60_000 }).catch((error: Error) => {
      throw new Error(`${error.message}\n${workers.map((w, i) => `worker ${i} (exit ${w.child.exitCode}):\n${w.output().slice(-3000)}`).join('\n')}`);
    });
    const runs = await waitFor(async () => {
      const rows = await ctx.deps.db.selectFrom('job_runs').selectAll().where('queue', '=', 'ops-monitor').where('status', '=', 'completed').execute();
      return rows.length >= 5 ? rows : undefined;
    }, { what: 'five ticks', timeoutMs: 30_000 });
    for (const w of workers) w.signal('SIGTERM');
    assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0, 0]);

    const all = await ctx.deps.db.selectFrom('job_runs').selectAll().where('queue', '=', 'ops-monitor').orderBy('job_id').execute();
    const ids = all.map((r) => r.job_id);
    assert.equal(new Set(ids).size, ids.length, `a tick ran twice: ${ids.join(', ')}`);
    const ticks = ids.map((id) => Number(id.split(':').pop())).sort((a, b) => a - b);
    for (let i = 1; i < ticks.length; i++) assert.equal(ticks[i]! - ticks[i - 1]!, 1000, 'a tick was missed');
    assert.ok(runs.length >= 5);
    const snapshots = await ctx.deps.db.selectFrom('ops_snapshots').select('trace_id').execute();
    assert.equal(new Set(snapshots.map((s) => s.trace_id)).size, snapshots.length);
  });

  it('takes only the queues WORKER_QUEUES names, with a FLYWHEEL_CONFIG file that does not refer to it', async () => {
    const worker = startProcess('worker', { ...env, WORKER_QUEUES: 'notifications,diagnostics' });
    started.push(worker);
    const line = await waitFor(() => worker.output().split('\n').find((l) => l.includes('worker started')), { what: 'worker', timeoutMs: 60_000 });
    assert.deepEqual((JSON.parse(line) as { queues: string[] }).queues, ['telegram', 'diagnostics']);
    worker.signal('SIGTERM');
    assert.equal(await worker.exited, 0);
  });

  it('lets a running job finish on SIGTERM before the worker exits', async () => {
    const worker = startProcess('worker', { ...env, WORKER_QUEUES: 'diagnostics' });
    started.push(worker);
    await waitFor(() => worker.output().includes('worker started'), { what: 'worker', timeoutMs: 60_000 });
    const { id } = await ctx.deps.queues.enqueue(diagnosticsQueue, 'hold', { holdMs: 1500, echo: 'drain' });
    await waitFor(async () => (await ctx.deps.queues.get('diagnostics').getJob(id))?.processedOn, { what: 'job start' });
    worker.signal('SIGTERM');
    assert.equal(await worker.exited, 0);
    const job = await ctx.deps.queues.get('diagnostics').getJob(id);
    assert.equal(await job?.getState(), 'completed');
    assert.deepEqual(job?.returnvalue.echo, 'drain');
  });

  it('releases a job that outlives the shutdown deadline, and another worker completes it', async () => {
    const impatient = startProcess('worker', { ...env, WORKER_QUEUES: 'diagnostics' });
    started.push(impatient);
    await waitFor(() => impatient.output().includes('worker started'), { what: 'worker', timeoutMs: 60_000 });
    const { id } = await ctx.deps.queues.enqueue(diagnosticsQueue, 'hold', { holdMs: 20_000, echo: 'released' });
    await waitFor(async () => (await ctx.deps.queues.get('diagnostics').getJob(id))?.processedOn, { what: 'job start' });
    impatient.signal('SIGTERM');
    impatient.signal('SIGTERM'); // a second signal: exit now, as an impatient operator would
    await impatient.exited;
    assert.equal(await (await ctx.deps.queues.get('diagnostics').getJob(id))?.getState(), 'active');

    await ctx.deps.queues.get('diagnostics').getJob(id).then((job) => job?.updateData({ ...job.data, holdMs: 0 }));
    const rescuer = startProcess('worker', { ...env, WORKER_QUEUES: 'diagnostics' });
    started.push(rescuer);
    const state = await waitFor(async () => {
      const s = await (await ctx.deps.queues.get('diagnostics').getJob(id))?.getState();
      return s === 'completed' ? s : undefined;
    }, { what: 'the released job to complete elsewhere', timeoutMs: 30_000 });
    assert.equal(state, 'completed');
    rescuer.signal('SIGTERM');
    await rescuer.exited;
  });
});
