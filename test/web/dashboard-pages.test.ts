import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { getCampaign } from '../../src/campaigns/store.js';
import { monitorTick } from '../../src/ops/monitor.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';

describe('dashboard: overview, campaigns and Ops pages', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;
  const downstream = new TestDownstream(SECRET);
  const api = (method: string, path: string, body?: unknown) =>
    app.request(path, body === undefined ? { method, headers: bearer(TOKENS.operator) } : { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const page = async (path: string, token: string = TOKENS.viewer, headers: Record<string, string> = {}) => {
    const res = await app.request(path, { headers: { ...bearer(token), ...headers } });
    return { status: res.status, html: await res.text() };
  };
  const form = (path: string, token: string) =>
    app.request(path, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=' });
  async function launch(name: string, limits: Record<string, number>) {
    const created = await api('POST', '/api/v1/campaigns', { name, audience: { type: 'segment', filters: {} }, template: 'Hi {{user.name}}', channel: { url: downstream.url, secret: SECRET } });
    const { id } = (await created.json()) as { id: string };
    await api('PUT', `/api/v1/campaigns/${id}/limits`, limits);
    await api('POST', `/api/v1/campaigns/${id}/launch`);
    return id;
  }

  before(async () => {
    await downstream.start();
    ctx = await createTestContext({ config: { ops: { enabled: false } } });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 200);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
    await downstream.stop();
  });

  it('shows a finished campaign with its progress, send-rate and latency charts and its events', async () => {
    const id = await launch('Finished one', { concurrency: 8 });
    await waitFor(async () => (await getCampaign(ctx.deps.db, id))?.status === 'completed', { what: 'completion' });
    const list = await page('/dashboard/campaigns');
    assert.equal(list.status, 200);
    assert.match(list.html, /Finished one/);
    assert.match(list.html, /200 \/ 200/);
    const detail = await page(`/dashboard/campaigns/${id}`);
    assert.match(detail.html, /<svg[^>]*aria-label="Send rate"/);
    assert.match(detail.html, /<svg[^>]*aria-label="Latency"/);
    assert.match(detail.html, /campaign\.completed/);
    assert.doesNotMatch(detail.html, /data-action=/, 'a viewer sees no controls, and a finished campaign has none');
  });

  it('pauses, resumes and cancels a running campaign from the dashboard, for operators only', async () => {
    const id = await launch('Slow one', { concurrency: 1, ratePerSec: 2 });
    await waitFor(async () => (await getCampaign(ctx.deps.db, id))?.status === 'running', { what: 'running' });
    const operatorView = await page(`/dashboard/campaigns/${id}`, TOKENS.operator);
    assert.match(operatorView.html, /data-action="pause"/);
    assert.equal((await form(`/dashboard/campaigns/${id}/pause`, TOKENS.viewer)).status, 403);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'running');
    assert.equal((await form(`/dashboard/campaigns/${id}/pause`, TOKENS.operator)).status, 303);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'paused');
    assert.match((await page(`/dashboard/campaigns/${id}`, TOKENS.operator)).html, /data-action="resume"/);
    assert.equal((await form(`/dashboard/campaigns/${id}/resume`, TOKENS.operator)).status, 303);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'running');
    assert.equal((await form(`/dashboard/campaigns/${id}/cancel`, TOKENS.operator)).status, 303);
    assert.equal((await getCampaign(ctx.deps.db, id))?.status, 'cancelled');
    assert.equal((await form('/dashboard/campaigns/not-a-uuid/pause', TOKENS.operator)).status, 404);
  });

  it('renders the overview and Ops pages, and serves their live part alone for in-place refresh', async () => {
    await monitorTick(ctx.deps, 'trace-dashboard', monitorEventLoopDelay());
    const overview = await page('/dashboard/overview');
    assert.equal(overview.status, 200);
    assert.match(overview.html, /Pending approvals/);
    assert.match(overview.html, /href="\/admin\/queues"/);
    assert.match(overview.html, /data-live=/);
    const fragment = await page('/dashboard/overview', TOKENS.viewer, { 'x-fragment': 'live' });
    assert.match(fragment.html, /Pending approvals/);
    assert.doesNotMatch(fragment.html, /<html/);
    const ops = await page('/dashboard/ops');
    assert.equal(ops.status, 200);
    assert.match(ops.html, /data-testid="desired-workers"/);
    assert.match(ops.html, /launch to an unmeasured downstream/);
    const anonymous = await app.request('/dashboard/ops');
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.get('location') ?? '', /^\/login/);
  });
});
