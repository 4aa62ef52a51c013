import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const post = (body: unknown, token: string = TOKENS.operator, extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { ...bearer(token), 'content-type': 'application/json', ...extra },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('jobs API', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;

  before(async () => {
    ctx = await createTestContext({ config: { server: { bodyLimitBytes: 2048 } } });
    app = createApp(ctx.deps);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
  });

  async function written() {
    const counts = await ctx.deps.queues.get('diagnostics').getJobCounts();
    const runs = await ctx.deps.db.selectFrom('job_runs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { counts, runs: Number(runs.n) };
  }

  it('enqueues through the API and reads state, result and trace id back', async () => {
    const res = await app.request('/api/v1/jobs/diagnostics', post({ data: { echo: 'hello' } }, TOKENS.operator, { 'x-trace-id': 'trace-abc-1' }));
    assert.equal(res.status, 202);
    assert.equal(res.headers.get('x-trace-id'), 'trace-abc-1');
    const { id } = (await res.json()) as { id: string };
    const job = await waitFor(async () => {
      const read = await app.request(`/api/v1/jobs/diagnostics/${id}`, { headers: bearer(TOKENS.viewer) });
      const body = (await read.json()) as { state: string; result: { echo: string }; traceId: string };
      return body.state === 'completed' ? body : undefined;
    }, { what: 'job completion' });
    assert.equal(job.result.echo, 'hello');
    assert.equal(job.traceId, 'trace-abc-1');
    const agent = await app.request('/api/v1/jobs/ops-monitor', post({}, TOKENS.operator, { 'x-trace-id': 'trace-abc-2' }));
    const agentJob = (await agent.json()) as { id: string };
    const run = await waitFor(() =>
      ctx.deps.db.selectFrom('job_runs').selectAll().where('job_id', '=', agentJob.id).where('status', '=', 'completed').executeTakeFirst(),
    );
    assert.equal(run.trace_id, 'trace-abc-2');
  });

  it('answers 404 for an unknown queue and an unknown job', async () => {
    assert.equal((await app.request('/api/v1/jobs/nope', post({}))).status, 404);
    assert.equal((await app.request('/api/v1/jobs/nope/1', { headers: bearer(TOKENS.viewer) })).status, 404);
    const missing = await app.request('/api/v1/jobs/diagnostics/does-not-exist', { headers: bearer(TOKENS.viewer) });
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'not_found');
  });

  it('rejects missing or wrong credentials (401), a missing role (403), bad input (400) and big bodies (413), writing nothing', async () => {
    const before = await written();
    const noToken = await app.request('/api/v1/jobs/diagnostics', { method: 'POST' });
    assert.equal(noToken.status, 401);
    assert.equal((await app.request('/api/v1/jobs/diagnostics', post({}, 'wrong-token-0123456789'))).status, 401);
    assert.equal((await app.request('/api/v1/status')).status, 401);
    const viewer = await app.request('/api/v1/jobs/diagnostics', post({}, TOKENS.viewer));
    assert.equal(viewer.status, 403);
    assert.equal(((await viewer.json()) as { error: { code: string } }).error.code, 'forbidden');

    const badType = await app.request('/api/v1/jobs/diagnostics', post({ data: { holdMs: 'soon' } }));
    assert.equal(badType.status, 400);
    assert.equal(((await badType.json()) as { error: { field: string } }).error.field, 'body.data.holdMs');
    const unknownKey = await app.request('/api/v1/jobs/diagnostics', post({ data: { colour: 'red' } }));
    assert.equal(unknownKey.status, 400);
    const badEnvelope = await app.request('/api/v1/jobs/diagnostics', post({ priority: 1 }));
    assert.equal(badEnvelope.status, 400);
    const malformed = await app.request('/api/v1/jobs/diagnostics', post('{"data":'));
    assert.equal(malformed.status, 400);
    const big = await app.request('/api/v1/jobs/diagnostics', post({ data: { echo: 'x'.repeat(900) }, name: 'y'.repeat(3000) }));
    assert.equal(big.status, 413);
    const refused = (await big.json()) as { error: { code: string; message: string } };
    assert.equal(refused.error.code, 'payload_too_large');
    assert.match(refused.error.message, /server\.bodyLimitBytes/, 'names the setting that allows a larger body');
    assert.deepEqual(await written(), before);
  });

  it('serves Bull Board behind auth: login redirect without credentials, full board for operators, read-only for viewers', async () => {
    const anonymous = await app.request('/admin/queues');
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.get('location') ?? '', /^\/login/);
    const operator = await app.request('/admin/queues', { headers: bearer(TOKENS.operator) });
    assert.equal(operator.status, 200);
    assert.match(await operator.text(), /<html/i);
    const api = await app.request('/admin/queues/api/queues', { headers: bearer(TOKENS.viewer) });
    assert.equal(api.status, 200);
    const queues = (await api.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    assert.ok(queues.queues.some((q) => q.name === 'diagnostics' && q.readOnlyMode));
  });

  it('logs in with a token to a session cookie that opens the board', async () => {
    const form = new URLSearchParams({ token: TOKENS.operator, next: '/admin/queues' });
    const login = await app.request('/login', {
      method: 'POST',
      body: form,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
    });
    assert.equal(login.status, 303);
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/i);
    const board = await app.request('http://localhost/admin/queues', { headers: { cookie: cookie.split(';')[0] ?? '' } });
    assert.equal(board.status, 200);
    const wrong = await app.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ token: 'nope' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
    });
    assert.equal(wrong.status, 401);
  });

  it('exposes queue gauges and request histograms on /metrics behind auth', async () => {
    assert.equal((await app.request('/metrics')).status, 401);
    const res = await app.request('/metrics', { headers: bearer(TOKENS.viewer) });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /flywheel_queue_jobs\{queue="diagnostics",state="waiting"\} \d+/);
    assert.match(text, /flywheel_queue_jobs\{queue="diagnostics",state="failed"\} \d+/);
    assert.match(text, /flywheel_http_request_duration_seconds_bucket/);
    assert.match(text, /flywheel_job_duration_seconds_bucket\{le="[^"]+",queue="diagnostics",status="completed"\}/);
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await app.request('/api/openapi.json');
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/api/v1/jobs/{queue}']);
    assert.ok(doc.paths['/api/v1/status']);
    assert.ok(doc.paths['/api/phase7/status']);
  });
});
