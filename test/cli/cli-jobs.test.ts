import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestContext, type TestContext } from '../support/deps.js';
import { serveApp } from '../support/server.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { startTestWorkers } from '../support/workers.js';
import { cliRunner } from './run-cli.js';

interface Job {
  id: string;
  queue: string;
  state: string;
  traceId: string;
  result: { echo: string | null; traceId: string } | null;
}

/** A loopback port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('flywheel jobs and usage, against a running service', () => {
  let ctx: TestContext;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  let server: Awaited<ReturnType<typeof serveApp>>;
  const { cli, json } = cliRunner(() => server.url, TOKENS.operator);

  before(async () => {
    ctx = await createTestContext();
    workers = await startTestWorkers(ctx);
    server = await serveApp(ctx.deps);
  });
  after(async () => {
    await server?.close();
    await workers?.stop();
    await ctx?.cleanup();
  });

  it('jobs run waits for the result by default, carrying one trace id from request to result', async () => {
    const job = await json<Job>(['jobs', 'run', 'diagnostics', '--data', '{"echo":"ping","holdMs":300}']);
    assert.equal(job.state, 'completed');
    assert.equal(job.result?.echo, 'ping');
    assert.equal(job.result?.traceId, job.traceId);
    const text = await cli(['jobs', 'run', 'diagnostics']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^diagnostics job \S+ completed after 1 attempt\(s\): \{"echo":null/);
    assert.equal(text.stderr, '', 'no progress line when stderr is not a terminal');
  });

  it('jobs run --detach only enqueues; jobs show reads the job later', async () => {
    const enqueued = await json<{ id: string; queue: string; traceId: string }>(['jobs', 'run', 'diagnostics', '--detach', '--data', '{"echo":"later"}']);
    assert.deepEqual(Object.keys(enqueued).sort(), ['id', 'queue', 'traceId']);
    let shown: Job | undefined;
    for (let i = 0; i < 50 && shown?.state !== 'completed'; i++) {
      shown = await json<Job>(['jobs', 'show', 'diagnostics', enqueued.id], TOKENS.viewer);
      if (shown.state !== 'completed') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(shown?.state, 'completed');
    assert.equal(shown?.result?.echo, 'later');
  });

  it('jobs run gives up after --timeout with exit 1 and says how to follow the job', async () => {
    const run = await cli(['jobs', 'run', 'diagnostics', '--data', '{"holdMs":4000}', '--timeout', '1']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /diagnostics job \S+ is still (active|waiting) after 1 s .*flywheel jobs show diagnostics \S+/);
  });

  it('reports bad job data with the field, unknown and internal queues, and usage errors', async () => {
    const bad = await cli(['jobs', 'run', 'diagnostics', '--data', '{"holdMs":-1}', '--json']);
    assert.equal(bad.code, 1);
    // The API's own envelope, exactly: what curl would have printed.
    const api = await fetch(`${server.url}/api/v1/jobs/diagnostics`, { method: 'POST', headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: '{"data":{"holdMs":-1}}' });
    assert.deepEqual(JSON.parse(bad.stdout), await api.json());
    const error = (JSON.parse(bad.stdout) as { error: { code: string; message: string; field: string } }).error;
    assert.deepEqual([error.code, error.field], ['invalid_request', 'body.data.holdMs']);
    assert.deepEqual(Object.keys(error).sort(), ['code', 'field', 'message']);
    assert.match(bad.stderr, /holdMs: Too small.*\(field body\.data\.holdMs\)/);
    const unknown = await cli(['jobs', 'run', 'no-such-queue']);
    assert.match(unknown.stderr, /404 not_found: no queue named "no-such-queue"; queues you can run: .*ops-monitor.*diagnostics/);
    assert.doesNotMatch(unknown.stderr, /queues you can run: .*deliveries/);
    const internal = await cli(['jobs', 'run', 'deliveries']);
    assert.match(internal.stderr, /409 not_triggerable/);
    const notJson = await cli(['jobs', 'run', 'diagnostics', '--data', '{oops']);
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /--data must be JSON/);

    const noCommand = await cli(['frobnicate']);
    assert.equal(noCommand.code, 2);
    assert.match(noCommand.stderr, /unknown command "frobnicate"/);
    const badOption = await cli(['status', '--frob']);
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /--frob/);
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['status', 'campaigns list', 'campaigns pause', 'campaigns resume', 'jobs run', 'beta candidates', 'report sprint', 'approvals list']) {
      assert.ok(help.stdout.includes(`  ${command}`), `usage lists ${command}`);
    }
  });

  it('says when the service cannot be reached or no token is set', async () => {
    const port = await closedPort();
    const down = await cli(['status', '--url', `http://127.0.0.1:${port}`]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`));
    const noToken = await cli(['status'], '', { FLYWHEEL_ADMIN_TOKEN: '' });
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /set FLYWHEEL_TOKEN/);
  });

  it('status prints Redis, Postgres, components and queues', async () => {
    const status = await json<{ redis: { ok: boolean }; postgres: { ok: boolean }; queues: Record<string, unknown> }>(['status'], TOKENS.viewer);
    assert.equal(status.redis.ok, true);
    assert.equal(status.postgres.ok, true);
    const text = await cli(['status'], TOKENS.viewer);
    assert.match(text.stdout, /redis: ok \(\d+\.\d ms\)\s+postgres \(postgres\): ok/);
    assert.match(text.stdout, /QUEUE\s+WAITING\s+ACTIVE\s+DELAYED\s+FAILED\s+COMPLETED/);
    assert.match(text.stdout, /diagnostics\s+\d+/);
  });
});
