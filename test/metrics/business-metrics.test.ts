import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import { propose } from '../../src/approvals/propose.js';
import { recordDecision } from '../../src/approvals/record-decision.js';
import { manualClock } from '../../src/clock.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { recordingAction } from '../support/recording-action.js';
import { bearer, TOKENS } from '../support/tokens.js';

const sample = (text: string, metric: string, labels: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${metric}{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

describe('business metrics', () => {
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  const action = recordingAction('campaign.launch');
  const clock = manualClock('2026-03-02T10:00:00Z');
  const scrape = async () => (await app.request('/metrics', { headers: bearer(TOKENS.viewer) })).text();

  before(async () => {
    ctx = await createTestContext({ extraActions: [action.handler], clock });
    app = createApp(ctx.deps);
  });
  after(() => ctx.cleanup());

  it('counts approval requests pending, then resolved, when a request is filed and decided', async () => {
    const approved = 'kind="campaign.launch",status="approved"';
    const before = await scrape();
    const outcome = await propose(ctx.deps, {
      kind: 'campaign.launch',
      proposer: 'growth',
      params: { name: 'metrics', audienceSize: 15_000, budget: 100 },
      traceId: 'trace-metrics',
      summary: 'Launch metrics to 15000 users',
    });
    assert.equal(outcome.outcome, 'approval_requested');
    if (outcome.outcome !== 'approval_requested') return;
    const filed = await scrape();
    assert.equal(sample(filed, 'flywheel_approvals_pending', `kind="campaign.launch",priority="${outcome.request.priority}"`) - sample(before, 'flywheel_approvals_pending', `kind="campaign.launch",priority="${outcome.request.priority}"`), 1);
    const detail = await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', outcome.request.id).executeTakeFirstOrThrow();
    for (const actor of ['alice', 'bob']) {
      await recordDecision(ctx.deps, outcome.request.id, { channel: 'console', actor, actorRoles: ['approver'], decision: 'approve', reason: 'ok', payloadHash: detail.payload_hash });
    }
    const decided = await scrape();
    assert.equal(sample(decided, 'flywheel_approvals_pending', `kind="campaign.launch",priority="${outcome.request.priority}"`), sample(before, 'flywheel_approvals_pending', `kind="campaign.launch",priority="${outcome.request.priority}"`));
    assert.equal(sample(decided, 'flywheel_approvals_resolved_total', approved) - sample(before, 'flywheel_approvals_resolved_total', approved), 1);
  });

  it('puts the time from filing to decision in the decision-latency histogram, by kind', async () => {
    const series = 'flywheel_approval_decision_seconds';
    const before = await scrape();
    const outcome = await propose(ctx.deps, {
      kind: 'campaign.launch',
      proposer: 'growth',
      params: { name: 'latency', audienceSize: 15_000, budget: 100 },
      traceId: 'trace-decision-latency',
      summary: 'Launch latency to 15000 users',
    });
    assert.equal(outcome.outcome, 'approval_requested');
    if (outcome.outcome !== 'approval_requested') return;
    const detail = await ctx.deps.db.selectFrom('approval_requests').select('payload_hash').where('id', '=', outcome.request.id).executeTakeFirstOrThrow();
    clock.advance(90_000);
    for (const actor of ['alice', 'bob']) await recordDecision(ctx.deps, outcome.request.id, { channel: 'console', actor, actorRoles: ['approver'], decision: 'approve', reason: 'ok', payloadHash: detail.payload_hash });
    assert.equal((await ctx.deps.db.selectFrom('approval_requests').select('status').where('id', '=', outcome.request.id).executeTakeFirstOrThrow()).status, 'approved');
    const after = await scrape();
    const delta = (suffix: string, labels: string) => sample(after, `${series}${suffix}`, labels) - sample(before, `${series}${suffix}`, labels);
    const kind = 'kind="campaign.launch"';
    assert.equal(delta('_count', kind), 1);
    assert.equal(delta('_sum', kind), 90);
    assert.equal(delta('_bucket', `${kind},le="60"`), 0);
    assert.equal(delta('_bucket', `${kind},le="120"`), 1);
    assert.equal(delta('_bucket', `${kind},le="+Inf"`), 1);
  });

  it('the Grafana dashboard and the alert rules in docs/operations.md use only metrics /metrics exposes', async () => {
    const text = await scrape();
    const exposed = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [name!, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!])));
    const dashboard = readFileSync('docs/grafana-dashboard.json', 'utf8');
    const operations = readFileSync('docs/operations.md', 'utf8');
    const used = new Set([...`${dashboard}\n${operations}`.matchAll(/\bflywheel_[a-z0-9_]+/g)].map(([name]) => name));
    assert.ok(used.size >= 5);
    assert.deepEqual([...used].filter((name) => !exposed.has(name)), []);
    const panels = (JSON.parse(dashboard) as { panels: { targets?: { expr: string }[] }[] }).panels;
    assert.ok(panels.every((panel) => (panel.targets ?? []).length > 0));
  });
});
