import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { manualClock } from '../../src/clock.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const sample = JSON.parse(readFileSync(new URL('../fixtures/feedback-sample.json', import.meta.url), 'utf8')) as { id: string; tenantId: string; text: string }[];
const NOW = new Date('2026-11-25T12:00:00Z');
const CAPACITY = 20;

describe('feedback intake and the sprint report', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;

  const call = async (method: string, path: string, body?: unknown, token: string = TOKENS.operator, headers: Record<string, string> = {}) => {
    const res = await app.request(path, body === undefined ? { method, headers: { ...bearer(token), ...headers } } : { method, headers: { ...bearer(token), 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null) as any };
  };
  const item = (f: { id: string; tenantId: string; text: string }, i: number) => ({
    id: f.id,
    tenantId: f.tenantId,
    userId: `${f.tenantId}-user`,
    source: i % 3 === 0 ? 'survey' : 'in_app',
    text: f.text,
    time: new Date(NOW.getTime() - (i + 1) * 3_600_000).toISOString(),
  });

  before(async () => {
    ctx = await createTestContext({ clock: manualClock(NOW), config: { beta: { teamCapacityPoints: CAPACITY } } });
    app = createApp(ctx.deps);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
  });

  it('analyses one piece of feedback on intake and stores it with the result', async () => {
    const first = sample[0]!;
    const res = await call('POST', '/api/v1/feedback', item(first, 0));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.id, first.id);
    assert.equal(res.body.stored, true);
    assert.ok(['positive', 'neutral', 'negative'].includes(res.body.analysis.sentiment));
    assert.ok(['bug_report', 'feature_request', 'praise', 'complaint', 'question'].includes(res.body.analysis.category));
    const row = await ctx.deps.db.selectFrom('beta_feedback').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    assert.equal(row.sentiment, res.body.analysis.sentiment);
    assert.equal(row.category, res.body.analysis.category);
    assert.deepEqual(row.keywords, res.body.analysis.keywords);
    assert.equal(row.source, 'survey');
    const again = await call('POST', '/api/v1/feedback', item(first, 0));
    assert.equal(again.body.stored, false, 'a resent id is stored once');
  });

  it('rejects a feedback batch with a bad item by index and stores none of it', async () => {
    const items = sample.slice(1, 5).map(item);
    items[2] = { ...items[2]!, time: 'last week' };
    const res = await call('POST', '/api/v1/feedback/batch', { items });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.field, 'items[2].time');
    const blank = await call('POST', '/api/v1/feedback', { ...item(sample[1]!, 1), text: '   ' });
    assert.equal(blank.status, 400);
    assert.equal(blank.body.error.field, 'text');
    const count = await ctx.deps.db.selectFrom('beta_feedback').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
    assert.equal((await call('POST', '/api/v1/feedback', item(sample[1]!, 1), TOKENS.viewer)).status, 403);
  });

  it('answers 404 for the sprint report before any analysis ran', async () => {
    const res = await call('GET', '/api/v1/beta/sprint-report', undefined, TOKENS.viewer);
    assert.equal(res.status, 404);
    assert.match(res.body.error.message, /beta-analysis/);
  });

  it('turns the ~200-item fixture into themes, stories with evidence and a sprint plan within capacity, as JSON and Markdown', async () => {
    const all = sample.map(item);
    const batch = await call('POST', '/api/v1/feedback/batch', { items: all });
    assert.equal(batch.status, 200, batch.text);
    assert.deepEqual(batch.body, { received: sample.length, stored: sample.length - 1, duplicates: 1 });

    const queued = await call('POST', '/api/v1/jobs/beta-analysis', {});
    assert.equal(queued.status, 202);
    const job = await waitFor(async () => {
      const res = await call('GET', `/api/v1/jobs/beta-analysis/${queued.body.id}`, undefined, TOKENS.viewer);
      if (res.body.state === 'failed') throw new Error(res.body.failedReason);
      return res.body.state === 'completed' ? res.body : undefined;
    }, { what: 'feedback analysis', timeoutMs: 60_000 });
    assert.equal(job.result.feedback, sample.length);

    const res = await call('GET', '/api/v1/beta/sprint-report', undefined, TOKENS.viewer);
    assert.equal(res.status, 200);
    const report = res.body;
    assert.equal(report.feedbackCount, sample.length);
    const ids = new Set(sample.map((f) => f.id));

    // Themes: every item placed once, the recurring topics found.
    assert.ok(report.themes.length >= 6, `${report.themes.length} themes`);
    const placed = [...report.themes.flatMap((t: { feedbackIds: string[] }) => t.feedbackIds), ...report.unthemed];
    assert.equal(placed.length, sample.length);
    assert.deepEqual(new Set(placed), ids);
    for (const term of ['crashes', 'csv', 'slack']) assert.ok(report.themes.some((t: { topTerms: string[] }) => t.topTerms.slice(0, 3).includes(term)), `a theme about ${term}`);

    // Stories: the template, evidence from the fixture, priority order.
    assert.ok(report.stories.length >= 5);
    for (const story of report.stories) {
      assert.match(story.text, /^As an? .+, I want .+, so that .+\.$/);
      assert.ok(story.evidence.length >= 3);
      assert.ok(story.evidence.every((id: string) => ids.has(id)), story.id);
      assert.ok(story.acceptanceCriteria.length >= 1);
      assert.ok(story.points > 0);
    }
    const priorities = report.stories.map((s: { priority: number }) => s.priority);
    assert.deepEqual(priorities, [...priorities].sort((a, b) => b - a));

    // Sprint plan: fits the configured capacity.
    const { plan } = report;
    assert.equal(plan.capacity, CAPACITY);
    const used = plan.committed.reduce((sum: number, s: { points: number }) => sum + s.points, 0);
    assert.ok(used <= CAPACITY, `${used} points committed`);
    assert.equal(plan.committedPoints, used);
    assert.equal(plan.remainingPoints, CAPACITY - used);
    assert.ok(plan.committed.length > 0 && plan.deferred.length > 0);
    assert.equal(plan.committed.length + plan.deferred.length, report.stories.length);

    const markdown = await call('GET', '/api/v1/beta/sprint-report?format=markdown', undefined, TOKENS.viewer);
    assert.equal(markdown.status, 200);
    assert.match(markdown.type, /^text\/markdown/);
    assert.match(markdown.text, /^# Sprint plan: /);
    assert.match(markdown.text, new RegExp(`Capacity \\*\\*${CAPACITY}\\*\\* points · committed \\*\\*${used}\\*\\*`));
    for (const story of plan.committed) assert.ok(markdown.text.includes(story.title), story.title);
    assert.match(markdown.text, /## Themes/);
    const byAccept = await call('GET', '/api/v1/beta/sprint-report', undefined, TOKENS.viewer, { accept: 'text/markdown' });
    assert.equal(byAccept.text, markdown.text);

    const counts = (await call('GET', '/api/v1/beta/candidates', undefined, TOKENS.viewer)).body.program.feedback;
    assert.equal(counts.total, sample.length);
    assert.equal(counts.bySentiment.positive + counts.bySentiment.neutral + counts.bySentiment.negative, sample.length);
  });
});
