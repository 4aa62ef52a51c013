import { poll } from './api-client.js';
import { pendingApproval, settleApproval } from './approvals.js';
import { type CampaignState, getCampaign, type LaunchOutcome, opsView, watchCampaign } from './campaign-api.js';
import type { DemoContext } from './context.js';
import { TUNING } from './tuning.js';
import { capacityAndRate, perSec } from './plain-words.js';

export interface DemoCampaign {
  id: string;
  name: string;
  experimentKey: string;
}

const channel = (ctx: DemoContext) => ({ url: `${ctx.downstream.url}/deliver`, secret: ctx.downstream.secret, mode: 'single', timeoutMs: 5000 });

/** Tenants, users, 56 days of product events and feedback, through the ingestion API. */
export async function seedData(ctx: DemoContext): Promise<void> {
  const { tenants, users, events, feedback } = ctx.data;
  const t = await ctx.api.json<{ inserted: number; updated: number }>('POST', '/api/v1/tenants', { body: { tenants } });
  const u = await ctx.api.json<{ inserted: number; updated: number }>('POST', '/api/v1/users', { body: { users } });
  ctx.reporter.info(`${tenants.length} tenants (${t.inserted} new), ${users.length} users (${u.inserted} new)`);
  let stored = 0;
  for (let i = 0; i < events.length; i += 5000) {
    stored += (await ctx.api.json<{ stored: number }>('POST', '/api/v1/events', { body: { events: events.slice(i, i + 5000) } })).stored;
  }
  ctx.reporter.info(`${events.length} activity events over 56 days (${stored} new)`);
  const f = await ctx.api.json<{ stored: number }>('POST', '/api/v1/feedback/batch', { body: { items: feedback } });
  ctx.reporter.info(`${feedback.length} pieces of feedback, analysed on intake (${f.stored} new)`);
  ctx.facts.data = { tenants: tenants.length, users: users.length, events: events.length, feedback: feedback.length };
}

async function launch(ctx: DemoContext, id: string): Promise<LaunchOutcome> {
  return ctx.api.json<LaunchOutcome>('POST', `/api/v1/campaigns/${id}/launch`, { body: {} });
}

/**
 * A small welcome campaign, inside the launch guardrails so the policy applies
 * it at once: while it delivers, the Ops agent measures what the downstream takes.
 */
export async function warmUp(ctx: DemoContext): Promise<void> {
  const created = await ctx.api.json<{ id: string; name: string }>('POST', '/api/v1/campaigns', {
    body: { name: 'Welcome to enterprise workspaces', audience: { type: 'segment', filters: { plans: ['enterprise'] } }, template: 'Welcome {{user.name}}: {{tenant.name}} is on Flywheel', channel: channel(ctx) },
  });
  const outcome = await launch(ctx, created.id);
  ctx.reporter.info(`"${created.name}" to the enterprise tenants: ${outcome.outcome}${outcome.outcome === 'applied' ? ' by the policy (within the audience guardrail)' : ''}`);
  if (outcome.outcome === 'refused') throw new Error(`the welcome campaign was refused: ${outcome.reason}`);
  if (outcome.outcome === 'approval_requested') {
    const decided = await settleApproval(ctx.approvals, await pendingApproval(ctx.api, 'campaign.launch', (a) => a.id === outcome.request!.id, { what: 'the welcome launch request', timeoutMs: 10_000 }), 'demo warm-up');
    if (decided.status !== 'approved') throw new Error(`the welcome campaign was not approved: ${decided.resolution}`);
  }
  const done = await watchCampaign(ctx.api, created.id, (c) => c.status === 'completed', { what: 'the welcome campaign', timeoutMs: 60_000 });
  const host = new URL(ctx.downstream.url).host;
  // The Ops monitor ticks every second (demo config); give it a few ticks to store the controller's measurement.
  const measured = await poll(async () => (await opsView(ctx.api, created.id)).capacity[host] ?? undefined, { what: 'a capacity measurement', timeoutMs: 6000 }).catch(() => null);
  ctx.reporter.info(`delivered ${done.progress.delivered}/${done.progress.total}; the Ops agent measured the downstream at ${measured ? `${measured.perSec.toFixed(0)}/s` : 'nothing yet (planning falls back to the configured capacity)'}`);
  ctx.facts.warmup = { campaignId: created.id, delivered: done.progress.delivered, measuredCapacityPerSec: measured ? Math.round(measured.perSec) : null };
}

/** The experiment campaign: a draft to every user with a two-arm reward experiment, planned inside the measured capacity. */
export async function planCampaign(ctx: DemoContext): Promise<DemoCampaign> {
  const { control, variant, minSamplePerArm } = TUNING.experiment;
  const created = await ctx.api.json<{ id: string; name: string }>('POST', '/api/v1/campaigns', {
    body: { name: 'Spring re-engagement', audience: { type: 'segment', filters: {} }, template: 'Hi {{user.name}}, come back this week: {{reward.amount}} {{reward.mechanism}} on your next purchase', channel: channel(ctx) },
  });
  const key = `spring-rewards-${ctx.seed}`;
  await ctx.api.json('POST', `/api/v1/campaigns/${created.id}/experiment`, {
    body: { key, goalEvent: 'purchase', attributionWindowSec: 86_400, control: { ...control, weight: 1 }, variants: [{ ...variant, weight: 1 }], minSamplePerArm },
  });
  ctx.reporter.info(`draft "${created.name}" to every user, experiment ${key}: ${control.name} (${control.amount} ${control.mechanism}) vs ${variant.name} (${variant.amount} ${variant.mechanism})`);
  type PlanView = { audienceSize: number; capacity: { capacityPerSec: number; currentLoadPerSec: number; source: string; reason: string }; plan: { sendRatePerSec: number; etaSec: number | null; waves: unknown[]; reason: string } };
  const readPlan = () => ctx.api.json<PlanView>('GET', `/api/v1/campaigns/${created.id}/plan`);
  // The snapshot taken while the welcome campaign still sent counts its load; the next one (a second later) does not.
  const view = await poll(async () => {
    const v = await readPlan();
    return v.capacity.currentLoadPerSec === 0 ? v : undefined;
  }, { what: 'a capacity estimate without the welcome campaign', timeoutMs: 5000 }).catch(readPlan);
  ctx.reporter.info(`capacity: the downstream takes ≈ ${perSec(view.capacity.capacityPerSec)} (${view.capacity.source}), ${perSec(view.capacity.currentLoadPerSec)} of it in use`);
  ctx.reporter.info(
    `plan: ${view.audienceSize} recipients at ${perSec(view.plan.sendRatePerSec)}${view.plan.etaSec != null ? `, about ${Math.round(view.plan.etaSec)} s` : ''}${view.plan.waves.length > 1 ? ` in ${view.plan.waves.length} waves` : ''}, leaving headroom for other traffic`,
  );
  if (view.plan.sendRatePerSec <= 0) throw new Error(`the plan leaves no capacity for the campaign: ${view.plan.reason}`);
  // The plan's rate becomes the campaign's ceiling; the Ops controller steers beneath it.
  await ctx.api.json('PUT', `/api/v1/campaigns/${created.id}/limits`, { body: { ratePerSec: view.plan.sendRatePerSec } });
  ctx.reporter.info(`operator cap set to the planned ${view.plan.sendRatePerSec}/s (PUT /campaigns/:id/limits)`);
  ctx.facts.plan = {
    campaignId: created.id,
    audienceSize: view.audienceSize,
    capacityPerSec: Math.round(view.capacity.capacityPerSec),
    capacitySource: view.capacity.source,
    sendRatePerSec: view.plan.sendRatePerSec,
    etaSec: view.plan.etaSec,
    waves: view.plan.waves.length,
    reason: view.plan.reason,
  };
  return { id: created.id, name: created.name, experimentKey: key };
}

/** Launch through the policy: the audience is over the guardrail, so a person approves it. */
export async function launchCampaign(ctx: DemoContext, campaign: DemoCampaign): Promise<void> {
  const outcome = await launch(ctx, campaign.id);
  if (outcome.outcome !== 'approval_requested') throw new Error(`expected the launch to need approval, got ${outcome.outcome}${outcome.reason ? `: ${outcome.reason}` : ''}`);
  const request = await pendingApproval(ctx.api, 'campaign.launch', (a) => a.id === outcome.request!.id, { what: 'the launch request', timeoutMs: 10_000 });
  const decided = await settleApproval(ctx.approvals, request, 'planned inside capacity; audience reviewed');
  ctx.facts.launch = { approvalId: request.id, resolution: decided.resolution };
  if (decided.status !== 'approved') throw new Error(`the launch was not approved (${decided.resolution ?? decided.status})`);
  await watchCampaign(ctx.api, campaign.id, (c) => ['running', 'completed'].includes(c.status), { what: 'the launch to apply', timeoutMs: 15_000 });
  ctx.reporter.info('launched: deliveries are queued and the Ops controller starts slow');
}

/** Delivered counts over time, for a rate over the last few seconds and throttled progress lines. */
class ProgressLog {
  private readonly points: { at: number; delivered: number }[] = [];
  private lastLine = 0;
  constructor(private readonly ctx: DemoContext, private readonly campaignId: string) {}

  rate(windowMs = 3000): number {
    const last = this.points.at(-1);
    const first = this.points.find((p) => last && last.at - p.at <= windowMs);
    if (!last || !first || last.at === first.at) return 0;
    return ((last.delivered - first.delivered) * 1000) / (last.at - first.at);
  }

  async tick(c: CampaignState, force = false): Promise<void> {
    const now = Date.now();
    this.points.push({ at: now, delivered: c.progress.delivered });
    if (!force && now - this.lastLine < 2000) return;
    this.lastLine = now;
    const ops = await opsView(this.ctx.api, this.campaignId).catch(() => null);
    const p95 = ops?.campaign?.p95LatencyMs;
    this.ctx.reporter.info(
      `${c.status.padEnd(9)} delivered ${c.progress.delivered}/${c.progress.total} · ${this.rate().toFixed(0)}/s · limit ${c.limits.concurrency ?? '-'} in flight` +
        `${p95 != null ? ` · p95 ${Math.round(p95)} ms` : ''} · ${capacityAndRate(ops?.campaign?.capacityPerSec, this.rate())}`,
    );
  }
}

const watchWith = (ctx: DemoContext, log: ProgressLog, campaign: DemoCampaign, done: (c: CampaignState) => boolean, what: string, timeoutMs: number) =>
  poll(async () => {
    const c = await getCampaign(ctx.api, campaign.id);
    await log.tick(c);
    return done(c) ? c : undefined;
  }, { what, timeoutMs, everyMs: 400 });

/** Delivery at the planned rate, then the downstream loses capacity and the controller backs off. */
export async function adaptDelivery(ctx: DemoContext, campaign: DemoCampaign): Promise<ProgressLog> {
  const log = new ProgressLog(ctx, campaign.id);
  // total is 0 until a worker has materialised the recipients (a launch only queues that step).
  const before = await watchWith(ctx, log, campaign, (c) => c.status !== 'running' || (c.progress.total > 0 && c.progress.delivered >= c.progress.total * TUNING.adaptAtShare), `${Math.round(TUNING.adaptAtShare * 100)}% delivered`, 60_000);
  if (before.status !== 'running') throw new Error(`the campaign is ${before.status} before the capacity change${before.statusReason ? `: ${before.statusReason}` : ''}`);
  const rateBefore = log.rate();
  const limitBefore = before.limits.concurrency ?? null;
  const { capacity } = TUNING.downstream;
  const reducedCapacity = Math.max(10, Math.min(TUNING.downstream.reducedCapacity, Math.round(rateBefore * TUNING.downstream.reducedShare)));
  await ctx.downstream.configure({ capacity: reducedCapacity });
  ctx.reporter.info(`downstream capacity ${capacity}/s → ${reducedCapacity}/s (POST /_control): below the send rate of ${rateBefore.toFixed(0)}/s`);
  const changedAt = Date.now();
  // Watched until the controller has cut its limit and the send rate (over the last 2 s, all of them
  // after the change) is within what the downstream now takes; at most adaptWatchMs.
  const adapted = (c: CampaignState) => {
    const watched = Date.now() - changedAt;
    if (c.status !== 'running' || watched >= TUNING.adaptWatchMs) return true;
    const limitCut = limitBefore !== null && (c.limits.concurrency ?? limitBefore) < limitBefore;
    return watched >= 2000 && limitCut && log.rate(2000) <= reducedCapacity * TUNING.adaptedRateMargin;
  };
  const after = await watchWith(ctx, log, campaign, adapted, 'the controller to adapt', TUNING.adaptWatchMs + 10_000);
  const rateAfter = log.rate(2000);
  await log.tick(after, true);
  ctx.reporter.info(`the controller adapted: ${rateBefore.toFixed(0)}/s → ${rateAfter.toFixed(0)}/s, limit ${limitBefore ?? '-'} → ${after.limits.concurrency ?? '-'} in flight`);
  ctx.facts.adaptation = { capacityBefore: capacity, capacityAfter: reducedCapacity, limitBefore, limitAfter: after.limits.concurrency ?? null, rateBefore: Math.round(rateBefore), rateAfter: Math.round(rateAfter) };
  return log;
}

/**
 * The downstream collapses: the Ops agent pauses the campaign on its
 * thresholds. Once the downstream recovers (judged on probes), it asks for
 * approval to resume; approved, the campaign delivers to the end.
 */
export async function pauseAndResume(ctx: DemoContext, campaign: DemoCampaign, log: ProgressLog): Promise<void> {
  const { capacity, baseLatencyMs, collapsedLatencyMs } = TUNING.downstream;
  const droppedAt = Date.now();
  const current = await getCampaign(ctx.api, campaign.id);
  if (current.status === 'running') {
    await ctx.downstream.configure({ baseLatencyMs: collapsedLatencyMs });
    ctx.reporter.info(`the downstream slows to a crawl: each answer takes ${collapsedLatencyMs / 1000} s`);
  } else {
    // A slow machine can let the queue at the reduced capacity cross the thresholds first.
    ctx.reporter.info(`the Ops agent already paused the campaign at the reduced capacity`);
  }
  const paused = await watchWith(ctx, log, campaign, (c) => c.status !== 'running', 'the auto-pause', 30_000);
  if (paused.status !== 'paused') throw new Error(`expected the Ops agent to pause the campaign, it is ${paused.status}`);
  const pausedAfterSec = Math.round((Date.now() - droppedAt) / 100) / 10;
  await log.tick(paused, true);
  ctx.reporter.info(`paused by the Ops agent after ${pausedAfterSec} s: ${paused.statusReason}`);
  await ctx.downstream.configure({ capacity, baseLatencyMs });
  ctx.reporter.info(`downstream recovers to ${capacity}/s; the Ops agent probes it while the campaign is paused`);
  const request = await pendingApproval(ctx.api, 'campaign.resume', (a) => a.summary.includes(campaign.name), { what: 'the resume request', timeoutMs: 30_000 });
  const decided = await settleApproval(ctx.approvals, request, 'downstream recovered');
  ctx.facts.pause = { reason: paused.statusReason ?? '', pausedAfterSec, resumeApprovalId: request.id, resolution: decided.resolution };
  if (decided.status !== 'approved') throw new Error(`the resume was not approved (${decided.resolution ?? decided.status})`);
  const done = await watchWith(ctx, log, campaign, (c) => c.status === 'completed', 'the campaign to complete', 120_000);
  await log.tick(done, true);
  const durationSec = done.launchedAt && done.finishedAt ? Math.round((Date.parse(done.finishedAt) - Date.parse(done.launchedAt)) / 100) / 10 : 0;
  ctx.facts.campaign = { id: campaign.id, status: done.status, delivered: done.progress.delivered, failed: done.progress.failed, total: done.progress.total, durationSec };
  ctx.reporter.info(`completed: ${done.progress.delivered} delivered, ${done.progress.failed} failed, in ${durationSec} s`);
}

/**
 * With --keep-running: something live to click on the dashboard. A campaign to
 * one tenant trickles out at one message every two seconds (pause and resume
 * it), and a launch request over the guardrail waits for a person.
 */
export async function leaveForBrowsing(ctx: DemoContext): Promise<{ liveCampaignId: string; pendingApprovalId: string | null }> {
  const live = await ctx.api.json<{ id: string; name: string }>('POST', '/api/v1/campaigns', {
    body: { name: 'Hooli onboarding drip', audience: { type: 'segment', filters: { tenantIds: ['hooli'] } }, template: 'Hi {{user.name}}, here is a tip for {{tenant.name}}', channel: channel(ctx) },
  });
  await ctx.api.json('PUT', `/api/v1/campaigns/${live.id}/limits`, { body: { ratePerSec: 0.5 } });
  const started = await launch(ctx, live.id);
  if (started.outcome !== 'applied') throw new Error(`the drip campaign was not launched: ${started.outcome}`);
  const pending = await ctx.api.json<{ id: string }>('POST', '/api/v1/campaigns', {
    body: { name: 'Autumn preview', audience: { type: 'segment', filters: {} }, template: 'Hi {{user.name}}, the autumn release is coming', channel: channel(ctx) },
  });
  const requested = await launch(ctx, pending.id);
  return { liveCampaignId: live.id, pendingApprovalId: requested.outcome === 'approval_requested' ? requested.request!.id : null };
}
