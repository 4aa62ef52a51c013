import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { getCampaign } from '../../src/campaigns/store.js';
import { monitorTick } from '../../src/ops/monitor.js';
import { runAnalysis } from '../../src/beta/analysis.js';
import { runScreening } from '../../src/beta/screening.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import { runGrowthAnalysis } from '../../src/growth/run-analysis.js';
import { simulateConversions } from '../support/synthetic-events.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';
const FEEDBACK = JSON.parse(readFileSync(new URL('../fixtures/feedback-sample.json', import.meta.url), 'utf8')) as { id: string; tenantId: string; text: string }[];

describe('dashboard: overview, campaigns, Ops, Growth and Beta pages', () => {
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

  it('shows an empty Campaigns page that points operators to the New campaign form', async () => {
    const empty = await page('/dashboard/campaigns', TOKENS.operator);
    assert.match(empty.html, /data-testid="empty-campaigns"/);
    assert.match(empty.html, /href="\/dashboard\/campaigns\/new"/);
    assert.doesNotMatch((await page('/dashboard/campaigns')).html, /href="\/dashboard\/campaigns\/new"/, 'a viewer is not offered the form');
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
    assert.match(detail.html, /aria-label="Time range"/);
    assert.match(detail.html, /href="\/dashboard\/campaigns\/[0-9a-f-]+\?range=24h"/);
    assert.match(detail.html, /<title>[0-9:]+ · delivered\/s: [0-9.]+ \/s<\/title>/, 'hover values on the points');
    assert.match(detail.html, /href="\/dashboard\/traces\/[^"]+" data-testid="trace-link"/);
    assert.match(detail.html, /over the last \d+ (s|min)/, 'the rate says what span it was measured over');
    assert.equal((await page(`/dashboard/campaigns/${id}?range=1h`)).status, 200);
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
    assert.match(ops.html, /Capacity of each downstream/);
    assert.doesNotMatch(ops.html, />backlog_drain</, 'reason codes are shown in words');
    const anonymous = await app.request('/dashboard/ops');
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.get('location') ?? '', /^\/login/);
  });

  it('renders experiment results with uplift intervals and SRM state on the Growth page, and candidates, themes and the sprint on the Beta page', async () => {
    const created = await api('POST', '/api/v1/campaigns', { name: 'Experiment one', audience: { type: 'segment', filters: {} }, template: 'Hi {{user.name}}', channel: { url: downstream.url, secret: SECRET } });
    const { id } = (await created.json()) as { id: string };
    const experiment = await api('POST', `/api/v1/campaigns/${id}/experiment`, {
      goalEvent: 'purchase',
      control: { name: 'control', mechanism: 'points', amount: 1, weight: 1 },
      variants: [{ name: 'streak', mechanism: 'streak', amount: 2, weight: 1 }],
      minSamplePerArm: 50,
    });
    assert.equal(experiment.status, 201, await experiment.clone().text());
    await api('PUT', `/api/v1/campaigns/${id}/limits`, { concurrency: 8 });
    await api('POST', `/api/v1/campaigns/${id}/launch`);
    await waitFor(async () => (await getCampaign(ctx.deps.db, id))?.status === 'completed', { what: 'completion' });
    await simulateConversions(ctx.deps.db, { campaignId: id, rates: { control: 0.1, streak: 0.3 }, rng: mulberry32(7), goal: 'purchase', revenue: 20, spreadMs: 1000, idPrefix: 'dash' });
    // The simulated purchases come up to 1 s after each delivery, and the analysis counts only what happened
    // by its own now: analysed right after a fast campaign, most of them were still in the future.
    await runGrowthAnalysis({ ...ctx.deps, clock: { now: () => new Date(Date.now() + 5_000) } }, 'trace-dashboard-growth');
    const growth = await page('/dashboard/growth');
    assert.equal(growth.status, 200);
    assert.match(growth.html, /Experiment one/);
    assert.match(growth.html, /data-testid="srm">ok</);
    assert.match(growth.html, /<svg[^>]*aria-label="Uplift vs control/);

    const items = FEEDBACK.slice(0, 80).map((f, i) => ({ id: f.id, tenantId: f.tenantId, source: 'survey', text: f.text, time: new Date(Date.now() - (i + 1) * 60_000).toISOString() }));
    assert.equal((await api('POST', '/api/v1/feedback/batch', { items })).status, 200);
    await runAnalysis(ctx.deps, 'trace-dashboard-beta');
    await runScreening(ctx.deps, 'trace-dashboard-screening');
    const beta = await page('/dashboard/beta');
    assert.equal(beta.status, 200);
    assert.match(beta.html, /data-testid="funnel"/);
    assert.match(beta.html, /data-testid="theme"/);
    assert.match(beta.html, /data-testid="story"/);
    assert.match(beta.html, /Screened \d+ tenants/);
  });
});
