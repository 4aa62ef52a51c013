/**
 * Server time of every dashboard page with 100 campaigns (20,000 delivery rows) and
 * 10,000 audit entries, plus 300 approval requests (50 waiting), an analysed experiment,
 * analysed Beta feedback and 2,000 job runs.
 *
 *   npx tsx bench/dashboard-pages.ts [rounds=20]
 *
 * Seeds its own Postgres schema and Redis prefix (real services), then renders each
 * page through the whole app (`app.request`: auth, routing, queries, JSX) `rounds`
 * times after a warm-up and prints the median and p95. Baseline in the same run: the
 * login page (the same stack with no query), so a ratio shows what each page's data costs.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { createApp } from '../src/api/app.js';
import { propose } from '../src/approvals/propose.js';
import { recordDecision } from '../src/approvals/record-decision.js';
import { entryHash, GENESIS_HASH } from '../src/audit/chain.js';
import { runAnalysis } from '../src/beta/analysis.js';
import { runScreening } from '../src/beta/screening.js';
import { mulberry32 } from '../src/growth/mulberry32.js';
import { runGrowthAnalysis } from '../src/growth/run-analysis.js';
import { createTestContext } from '../test/support/deps.js';
import { recordingAction } from '../test/support/recording-action.js';
import { seedUsers } from '../test/support/seed-users.js';
import { simulateConversions } from '../test/support/synthetic-events.js';
import { bearer, TOKENS } from '../test/support/tokens.js';

const rounds = Number(process.argv[2] ?? 20);
const CAMPAIGNS = 100;
const AUDIT = 10_000;
const STATUSES = ['completed', 'completed', 'running', 'paused', 'draft', 'cancelled'] as const;

const APPROVALS = 300;
const FEEDBACK = JSON.parse(readFileSync(new URL('../test/fixtures/feedback-sample.json', import.meta.url), 'utf8')) as { id: string; tenantId: string; text: string }[];

// Launch requests are recorded, not applied: the bench measures reading, and no worker runs.
const ctx = await createTestContext({ config: { ops: { enabled: false }, growth: { enabled: false } }, extraActions: [recordingAction('campaign.launch').handler] });
const { db } = ctx.deps;
try {
  const users = await seedUsers(db, 1000);
  const t0 = Date.now() - 6 * 3600_000;
  const ids: string[] = [];
  for (let i = 0; i < CAMPAIGNS; i++) {
    const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    ids.push(id);
    const status = STATUSES[i % STATUSES.length]!;
    const launched = status === 'draft' ? null : new Date(t0 + i * 60_000);
    await db
      .insertInto('campaigns')
      .values({
        id,
        name: `Campaign ${i}`,
        status,
        audience: JSON.stringify({ type: 'segment', filters: {} }),
        audience_summary: JSON.stringify({ type: 'segment', filters: {} }),
        content_hash: `bench-${i}`,
        template: 'Hi {{user.name}}',
        reward: JSON.stringify({ mechanism: 'points', amount: 1 }),
        channel: JSON.stringify({ url: `http://downstream-${i % 3}.local/send`, headers: {}, mode: 'single', maxBatch: 100, timeoutMs: 5000 }),
        channel_secret: 'x'.repeat(16),
        max_attempts: 5,
        audience_size: 200,
        trace_id: `trace-${i}`,
        created_by: 'bench',
        created_at: new Date(t0 + i * 60_000 - 1000),
        updated_at: launched ?? new Date(t0),
        launched_at: launched,
        finished_at: status === 'completed' || status === 'cancelled' ? new Date(t0 + i * 60_000 + 120_000) : null,
      })
      .execute();
    if (!launched) continue;
    // 200 recipients each: 20,000 delivery rows over the campaigns that were sent.
    await db
      .insertInto('deliveries')
      .values(
        users.slice(0, 200).map((u, j) => {
          const done = status === 'completed' || j < 120;
          return {
            campaign_id: id,
            user_id: u,
            batch_no: Math.floor(j / 100),
            status: done ? (j % 50 === 0 ? ('dead' as const) : ('delivered' as const)) : ('pending' as const),
            attempts: done ? 1 : 0,
            latency_ms: done ? 20 + (j % 30) : null,
            variables: '{}',
            reward: JSON.stringify({ mechanism: 'points', amount: 1 }),
            updated_at: new Date(launched.getTime() + j * 500),
            delivered_at: done && j % 50 !== 0 ? new Date(launched.getTime() + j * 500) : null,
          };
        }),
      )
      .execute();
  }
  // 10,000 audit entries as one valid hash chain, spread over the campaigns and six hours.
  let prevHash = GENESIS_HASH;
  const actions = ['campaign.created', 'campaign.started', 'campaign.paused', 'campaign.resumed', 'approval.requested', 'approval.decision', 'scaling.recommended', 'campaign.completed'];
  const rows = [];
  for (let seq = 1; seq <= AUDIT; seq++) {
    const content = {
      seq,
      at: new Date(t0 + seq * 2000).toISOString(),
      traceId: `trace-${seq % CAMPAIGNS}`,
      actor: ['olivia', 'ops', 'alice', 'growth'][seq % 4]!,
      channel: 'system',
      action: actions[seq % actions.length]!,
      subjectType: 'campaign',
      subjectId: ids[seq % CAMPAIGNS]!,
      data: { reason: `entry ${seq}`, from: 1, to: 2 },
    };
    const hash = entryHash({ ...content, prevHash });
    rows.push({ seq, at: content.at, trace_id: content.traceId, actor: content.actor, channel: content.channel, action: content.action, subject_type: content.subjectType, subject_id: content.subjectId, data: JSON.stringify(content.data), prev_hash: prevHash, hash });
    prevHash = hash;
  }
  for (let i = 0; i < rows.length; i += 1000) await db.insertInto('audit_log').values(rows.slice(i, i + 1000)).execute();
  await db
    .insertInto('job_runs')
    .values(
      Array.from({ length: 2000 }, (_, i) => ({
        queue: ['ops-monitor', 'growth-analysis', 'beta-screening', 'approval-expiry'][i % 4]!,
        job_id: `job-${i}`,
        job_name: 'tick',
        trace_id: `trace-${i % CAMPAIGNS}`,
        attempt: 1,
        worker: 'bench:1',
        status: i % 17 === 0 ? ('failed' as const) : ('completed' as const),
        error: i % 17 === 0 ? 'boom' : null,
        started_at: new Date(t0 + i * 10_000),
        finished_at: new Date(t0 + i * 10_000 + 150),
      })),
    )
    .execute();
  await db
    .insertInto('ops_snapshots')
    .values(
      Array.from({ length: 120 }, (_, i) => ({
        trace_id: `ops-${i}`,
        taken_at: new Date(Date.now() - (120 - i) * 30_000),
        data: JSON.stringify({
          at: new Date(Date.now() - (120 - i) * 30_000).toISOString(),
          redisRttMs: 0.4,
          postgresRttMs: 0.8,
          eventLoopLagMs: { p50: 1, p99: 4, max: 9 },
          queues: { deliveries: { backlog: 100 - i, oldestWaitingAgeMs: 1000, active: 4, completed: 0, failed: 0 } },
          campaigns: { [ids[2]!]: { name: 'Campaign 2', status: 'running', downstream: 'downstream-2.local', requests: 100, throughputPerSec: 20, goodputPerSec: 19, errorRate: 0.01, p50LatencyMs: 20, p95LatencyMs: 40, p99LatencyMs: 60, limit: 8 + (i % 10 === 0 ? 4 : 0), ratePerSec: 30, batchSize: 10, reason: 'ok', capacityPerSec: i === 60 ? 30 : 60 } },
          capacity: { 'downstream-2.local': { perSec: 60, measuredAt: new Date().toISOString(), campaignId: ids[2] } },
        }),
      })),
    )
    .execute();

  const app = createApp(ctx.deps);
  const api = async (method: string, path: string, body: unknown) => {
    const res = await app.request(path, { method, headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  // Approvals after the audit chain (they append to it): most decided on the console, the rest waiting.
  const approvalIds: string[] = [];
  for (let i = 0; i < APPROVALS; i++) {
    const outcome = await propose(ctx.deps, { kind: 'campaign.launch', proposer: 'growth', params: { name: `Launch ${i}`, audienceSize: 12_000 + i, budget: 100 }, traceId: `trace-${i % CAMPAIGNS}`, summary: `Launch ${i} to ${12_000 + i} users` });
    if (outcome.outcome !== 'approval_requested') throw new Error(`approval ${i}: ${JSON.stringify(outcome)}`);
    approvalIds.push(outcome.request.id);
    if (i % 6 === 5) continue;
    await recordDecision(ctx.deps, outcome.request.id, { channel: 'console', actor: i % 2 ? 'alice' : 'bob', actorRoles: ['approver'], decision: i % 7 === 0 ? 'reject' : 'approve', reason: 'bench', payloadHash: (await db.selectFrom('approval_requests').select('payload_hash').where('id', '=', outcome.request.id).executeTakeFirstOrThrow()).payload_hash });
  }

  // An experiment on a draft campaign, then sent (arms alternate) and analysed, for its page and the Growth page.
  const experimentCampaign = ids[4]!;
  await api('POST', `/api/v1/campaigns/${experimentCampaign}/experiment`, {
    goalEvent: 'purchase',
    control: { name: 'control', mechanism: 'points', amount: 1, weight: 1 },
    variants: [{ name: 'streak', mechanism: 'streak', amount: 2, weight: 1 }],
    minSamplePerArm: 50,
  });
  const sentAt = new Date(Date.now() - 3 * 3600_000);
  await db.updateTable('campaigns').set({ status: 'completed', launched_at: sentAt, finished_at: new Date(sentAt.getTime() + 600_000), updated_at: sentAt }).where('id', '=', experimentCampaign).execute();
  await db
    .insertInto('deliveries')
    .values(
      users.map((u, j) => ({
        campaign_id: experimentCampaign,
        user_id: u,
        batch_no: Math.floor(j / 100),
        status: 'delivered' as const,
        attempts: 1,
        latency_ms: 25,
        variables: '{}',
        arm: j % 2 ? 'streak' : 'control',
        reward: JSON.stringify(j % 2 ? { mechanism: 'streak', amount: 2 } : { mechanism: 'points', amount: 1 }),
        updated_at: new Date(sentAt.getTime() + j * 600),
        delivered_at: new Date(sentAt.getTime() + j * 600),
      })),
    )
    .execute();
  await simulateConversions(db, { campaignId: experimentCampaign, rates: { control: 0.1, streak: 0.3 }, rng: mulberry32(7), goal: 'purchase', revenue: 20, spreadMs: 60_000, idPrefix: 'bench' });
  await runGrowthAnalysis(ctx.deps, 'trace-bench-growth');

  // Beta: analysed feedback, a sprint report and a screening.
  const items = FEEDBACK.slice(0, 200).map((f, i) => ({ id: f.id, tenantId: f.tenantId, source: 'survey', text: f.text, time: new Date(Date.now() - (i + 1) * 60_000).toISOString() }));
  await api('POST', '/api/v1/feedback/batch', { items });
  await runAnalysis(ctx.deps, 'trace-bench-beta');
  await runScreening(ctx.deps, 'trace-bench-screening');

  // As autovacuum would have by now on a real database: planner statistics and the visibility map (index-only scans).
  await sql`vacuum analyze campaigns, deliveries, audit_log, job_runs, ops_snapshots, approval_requests, approval_decisions, experiments, experiment_analyses, events, beta_feedback`.execute(db);
  const pages: [string, string][] = [
    ['login (baseline)', '/login'],
    ['overview', '/dashboard/overview'],
    ['campaigns (100)', '/dashboard/campaigns'],
    ['campaign, running', `/dashboard/campaigns/${ids[2]}`],
    ['campaign, completed, 24 h', `/dashboard/campaigns/${ids[0]}?range=24h`],
    ['new campaign form', '/dashboard/campaigns/new'],
    ['new experiment form', `/dashboard/campaigns/${ids[10]}/experiment/new`],
    ['trace', '/dashboard/traces/trace-2'],
    ['runs', '/dashboard/runs'],
    ['audit', '/dashboard/audit'],
    ['audit, filtered', '/dashboard/audit?actor=ops&action=campaign.'],
    ['ops', '/dashboard/ops'],
    ['growth', '/dashboard/growth'],
    ['beta', '/dashboard/beta'],
    ['impact, 30 d', '/dashboard/impact'],
    ['campaign with experiment', `/dashboard/campaigns/${experimentCampaign}`],
    ['approvals (50 waiting)', '/dashboard/approvals'],
    ['approvals history', '/dashboard/approvals/history'],
    ['approval, decided', `/dashboard/approvals/${approvalIds[0]}`],
    ['approval, waiting', `/dashboard/approvals/${approvalIds[5]}`],
  ];
  const percentileOf = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;
  const results: { name: string; median: number; p95: number; bytes: number }[] = [];
  for (const [name, path] of pages) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < rounds + 3; i++) {
      const start = performance.now();
      const res = await app.request(path, { headers: bearer(TOKENS.admin) });
      const html = await res.text();
      const ms = performance.now() - start;
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${html.slice(0, 200)}`);
      bytes = html.length;
      if (i >= 3) times.push(ms);
    }
    results.push({ name, median: percentileOf(times, 50), p95: percentileOf(times, 95), bytes });
  }
  const baseline = results[0]!.median;
  console.log(`dashboard pages: ${CAMPAIGNS} campaigns, ${AUDIT.toLocaleString('en')} audit entries, ${rounds} rounds each (after 3 warm-up)`);
  console.log('| page | median | p95 | × login | HTML |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of results) console.log(`| ${r.name} | ${r.median.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${(r.median / baseline).toFixed(1)} | ${(r.bytes / 1024).toFixed(0)} KiB |`);
  const slowest = results.slice(1).reduce((a, b) => (b.p95 > a.p95 ? b : a));
  console.log(`slowest p95: ${slowest.name} ${slowest.p95.toFixed(1)} ms (target < 50 ms)`);
} finally {
  await ctx.cleanup();
}
