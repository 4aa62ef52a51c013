import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { poll } from './api-client.js';
import { pendingApproval, settleApproval } from './approvals.js';
import { runJob } from './campaign-api.js';
import type { DemoContext } from './context.js';
import type { DemoCampaign } from './scenario-campaign.js';
import { conversionEvents } from './synthetic-data.js';
import { TUNING } from './tuning.js';

interface FiledProposal {
  kind: string;
  arm: string;
  from: number;
  to: number;
  outcome: string;
  requestId?: string;
  reason?: string;
}
interface ArmResult {
  arm: string;
  isControl: boolean;
  exposures: number;
  conversions: number;
  conversionRate: number;
  vsControl: { chanceToBeatControl: number; sequential: { adjustedPValue: number } } | null;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Purchases come in after the messages (a true uplift for the streak arm); the
 * Growth strategist's analysis runs now instead of at the next hour, finds the
 * winner and proposes a bigger reward for it, which a person approves.
 */
export async function experimentWinner(ctx: DemoContext, campaign: DemoCampaign): Promise<void> {
  const { experiment } = TUNING;
  const tenantOf = new Map(ctx.data.users.map((u) => [u.id, u.tenantId]));
  const conversions = conversionEvents({
    seed: ctx.seed + 1,
    userIds: ctx.data.users.map((u) => u.id),
    tenantOf: (id) => tenantOf.get(id)!,
    experiment: { key: campaign.experimentKey, arms: [{ name: experiment.control.name, weight: 1 }, { name: experiment.variant.name, weight: 1 }] },
    rates: experiment.rates,
    // After the messages: the campaign has completed, so every delivery is older than this.
    at: Date.now(),
    revenue: experiment.revenue,
  });
  for (let i = 0; i < conversions.events.length; i += 5000) {
    await ctx.api.json('POST', '/api/v1/events', { body: { events: conversions.events.slice(i, i + 5000) } });
  }
  const tally = Object.entries(conversions.byArm).map(([arm, t]) => `${arm} ${t.conversions}/${t.users}`).join(', ');
  ctx.reporter.info(`${conversions.events.length} purchase events after delivery (true rates ${Object.entries(experiment.rates).map(([a, r]) => `${a} ${pct(r)}`).join(', ')}): ${tally}`);

  const { result } = await runJob<{ experiments: { key: string; proposals: FiledProposal[]; notes: string[] }[] }>(ctx.api, 'growth-analysis', 60_000);
  const run = result.experiments.find((e) => e.key === campaign.experimentKey);
  if (!run) throw new Error(`the growth analysis did not analyse experiment ${campaign.experimentKey}`);
  const metrics = await ctx.api.json<{ experiments: { key: string; arms: ArmResult[] }[] }>('GET', '/api/v1/growth/metrics');
  const arms = metrics.experiments.find((e) => e.key === campaign.experimentKey)?.arms ?? [];
  for (const a of arms) {
    const versus = a.vsControl ? ` · chance to beat control ${pct(a.vsControl.chanceToBeatControl)} · sequential p ${a.vsControl.sequential.adjustedPValue.toExponential(1)}` : ' (control)';
    ctx.reporter.info(`arm ${a.arm}: ${a.conversions}/${a.exposures} converted (${pct(a.conversionRate)})${versus}`);
  }
  for (const note of run.notes) ctx.reporter.info(`note: ${note}`);
  const raise = run.proposals.find((p) => p.kind === 'reward.adjust' && p.to > p.from);
  if (!raise) throw new Error(`no reward proposal from the analysis: ${JSON.stringify(run.proposals)} ${run.notes.join('; ')}`);
  const winner = raise.arm;
  ctx.reporter.info(`winner: ${winner}; proposals: ${run.proposals.map((p) => `${p.kind} ${p.arm} ${p.from} → ${p.to} (${p.outcome})`).join(', ')}`);

  for (const p of run.proposals.filter((x) => x.outcome === 'approval_requested' && x.requestId)) {
    const request = await pendingApproval(ctx.api, p.kind, (a) => a.id === p.requestId, { what: `the ${p.kind} request`, timeoutMs: 10_000 }).catch(async () => null);
    if (!request) continue; // decided already (e.g. by a person on the dashboard)
    const decided = await settleApproval(ctx.approvals, request, 'the streak arm wins clearly');
    if (p === raise && decided.status !== 'approved') throw new Error(`the reward change was not approved (${decided.resolution ?? decided.status})`);
  }
  const experimentView = await poll(async () => {
    const view = await ctx.api.json<{ arms: { name: string; amount: number }[] }>('GET', `/api/v1/campaigns/${campaign.id}/experiment`);
    return view.arms.find((a) => a.name === raise.arm)?.amount === raise.to ? view : undefined;
  }, { what: 'the approved reward to apply', timeoutMs: 20_000 });
  const rewardAfter = Object.fromEntries(experimentView.arms.map((a) => [a.name, a.amount]));
  ctx.reporter.info(`reward of ${raise.arm} is now ${raise.to} (was ${raise.from}); later sends of the experiment carry it`);
  ctx.facts.experiment = { key: campaign.experimentKey, exposuresByArm: conversions.byArm, winner, proposals: run.proposals, rewardAfter };
}

interface Candidate {
  tenantId: string;
  name: string;
  plan: string;
  score: number;
  status: string;
}
interface Report {
  feedbackCount: number;
  themes: { label: string; count: number }[];
  stories: { id: string; title: string; points: number; priority: number }[];
  plan: { committed: { id: string }[]; committedPoints: number; capacity: number };
}

/** The PM agent: activity scores screen the Beta candidates; feedback becomes themes, stories and the sprint report. */
export async function betaProgram(ctx: DemoContext): Promise<void> {
  const screening = await runJob<{ tenantsScreened: number; candidates: string[] }>(ctx.api, 'beta-screening', 60_000);
  const listed = await ctx.api.json<{ candidates: Candidate[]; screening: { threshold: number } | null }>('GET', '/api/v1/beta/candidates');
  ctx.reporter.info(`screened ${screening.result.tenantsScreened} tenants against the threshold ${listed.screening?.threshold ?? '?'}: ${listed.candidates.length} candidates`);
  for (const c of listed.candidates) ctx.reporter.info(`  ${c.name} (${c.plan}) score ${c.score.toFixed(3)} · ${c.status}`);
  if (listed.candidates.length === 0) throw new Error('no Beta candidates were screened');

  await runJob(ctx.api, 'beta-analysis', 60_000);
  const report = await ctx.api.json<Report>('GET', '/api/v1/beta/sprint-report');
  const markdown = await ctx.api.text('/api/v1/beta/sprint-report?format=markdown');
  const reportPath = join(ctx.workDir, 'sprint-report.md');
  await writeFile(reportPath, markdown);
  const committed = new Set(report.plan.committed.map((s) => s.id));
  ctx.reporter.info(`${report.feedbackCount} pieces of feedback → ${report.themes.length} themes (${report.themes.map((t) => `${t.label} ×${t.count}`).join(', ')})`);
  for (const s of report.stories) ctx.reporter.info(`  ${committed.has(s.id) ? '[sprint]  ' : '[deferred]'} ${s.title} (${s.points} pts)`);
  ctx.reporter.info(`sprint: ${report.plan.committedPoints}/${report.plan.capacity} points committed; report written to ${reportPath}`);
  if (report.stories.length === 0) throw new Error('the sprint report has no stories');
  ctx.facts.beta = {
    tenantsScreened: screening.result.tenantsScreened,
    candidates: listed.candidates.map((c) => ({ tenantId: c.tenantId, score: c.score })),
    themes: report.themes.length,
    stories: report.stories.map((s) => ({ title: s.title, points: s.points, committed: committed.has(s.id) })),
    committedPoints: report.plan.committedPoints,
    capacity: report.plan.capacity,
    reportPath,
  };
}
