import { propose } from '../approvals/propose.js';
import { downstreamOf } from '../campaign-runtime/keys.js';
import { pauseCampaign, resumeCampaign } from '../campaigns/control.js';
import { getCampaign } from '../campaigns/store.js';
import type { Deps } from '../deps.js';
import { evaluateAutopause, INITIAL_AUTOPAUSE_STATE } from './autopause/evaluate-autopause.js';
import { controllerPolicy } from './controller/choose-policy.js';
import { hasOutstanding } from '../campaigns/store.js';
import { classifyWindow, INITIAL_CAPACITY, messagesPerSec, updateCapacity } from './capacity-estimator.js';
import { DEFAULT_ADAPTIVE_OPTIONS } from './controller/adaptive-options.js';
import { capDecision, type CampaignControl } from './control-state.js';
import { probeDownstream } from './probe.js';
import { computeWindowStats } from './window-stats.js';

export interface ControlStepResult {
  campaignId: string;
  limit: number;
  ratePerSec: number;
  reason: string;
  event?: string;
}

/**
 * The Ops agent's fast loop: for each running (or auto-paused) campaign, turn
 * the samples since the last step into window stats, step the adaptive
 * controller, publish its limits fleet-wide, and every auto-pause window judge
 * the thresholds: pause, resume, or ask for approval to resume.
 */
export async function controlStep(deps: Deps, traceId: string): Promise<ControlStepResult[]> {
  const { ops } = deps.config;
  const now = deps.clock.now().getTime();
  const { runtime } = deps;
  const results: ControlStepResult[] = [];
  const policy = controllerPolicy(ops.control);
  for (const id of await runtime.runningIds()) {
    const campaign = await getCampaign(deps.db, id);
    if (!campaign || !['running', 'paused'].includes(campaign.status)) {
      // Only a finished campaign leaves the set. One being launched joins it inside the transaction
      // that makes it running: a step reading before that commits sees it still pending, and
      // forgetting it then left it uncontrolled (no limits, no auto-pause) until the reconciler.
      if (!campaign || ['completed', 'cancelled', 'failed'].includes(campaign.status)) await runtime.markStopped(id);
      continue;
    }
    let control: CampaignControl = (await runtime.loadControl<CampaignControl>(id)) ?? {
      controller: policy.initialState(now),
      lastStepAt: now,
      autopause: INITIAL_AUTOPAUSE_STATE,
      windowStartedAt: now,
      lastDecision: null,
      resumeRequested: false,
    };
    if (campaign.status === 'running' && control.autopause.status !== 'running') {
      // Resumed by someone else since the last step: a person approving the resume request, or the
      // dashboard, API or CLI. Taken up as an auto-resume is: the pause judge watches again (it would
      // otherwise wait for an approval forever and never pause the campaign again), a later
      // recovery may ask again, and the controller starts slow instead of at the collapse's limit.
      control = { ...control, autopause: INITIAL_AUTOPAUSE_STATE, resumeRequested: false, controller: policy.initialState(now), windowStartedAt: now, resumedAt: now };
    }
    const samples = await runtime.readSamples(id, control.lastStepAt);
    const stepStats = computeWindowStats(samples, { endAt: now, durationMs: Math.max(1, now - control.lastStepAt) });
    // Whether the senders used the limit: one that was never reached (the workers' own concurrency
    // binds first, as a batch mode with few large requests does) must not grow, or it floats to
    // maxConcurrency and every later cut takes many steps to bind again.
    const inFlight = await runtime.takePeakInFlight(id);
    const step = policy.step(control.controller, { ...stepStats, peakInFlight: inFlight }, now);
    const cap = await runtime.cap(id);
    const decision = capDecision(step.decision, cap);
    // What this window says about the downstream's capacity (app-limited windows can only raise it).
    const appliedLimit = control.lastDecision?.limit ?? decision.limit;
    const window = classifyWindow({
      stats: stepStats,
      messagesPerSec: messagesPerSec(samples, Math.max(1, now - control.lastStepAt)),
      baselineMs: (control.controller as { baselineMs?: number | null } | null)?.baselineMs ?? null,
      rttTolerance: DEFAULT_ADAPTIVE_OPTIONS.rttTolerance,
      errorRateThreshold: DEFAULT_ADAPTIVE_OPTIONS.errorRateThreshold,
      inFlight,
      limit: appliedLimit,
      capBinding:
        (cap.ratePerSec !== undefined && stepStats.throughputPerSec >= cap.ratePerSec * 0.8) || (cap.concurrency !== undefined && inFlight >= cap.concurrency),
      demandLeft: campaign.status === 'running' && (await hasOutstanding(deps.db, id)),
      controllerGrowing: ['slow_start', 'increase'].includes(control.lastDecision?.reason ?? 'slow_start'),
    });
    const capacity = campaign.status === 'running' ? updateCapacity(control.capacity ?? INITIAL_CAPACITY, window.kind, messagesPerSec(samples, Math.max(1, now - control.lastStepAt)), now) : (control.capacity ?? INITIAL_CAPACITY);
    if (campaign.status === 'running') await runtime.publish(id, { concurrency: decision.limit, ratePerSec: decision.ratePerSec });
    control = { ...control, controller: step.state, lastStepAt: now, lastDecision: decision, capacity, lastWindow: window };
    const result: ControlStepResult = { campaignId: id, limit: decision.limit, ratePerSec: decision.ratePerSec, reason: decision.reason };

    if (now - control.windowStartedAt >= ops.thresholds.windowSec * 1000) {
      let windowSamples = await runtime.readSamples(id, control.windowStartedAt);
      if (campaign.status === 'paused' && control.autopause.status !== 'running') {
        const probes = await probeDownstream(deps.downstream, campaign, ops.thresholds.minSamples, () => deps.clock.now().getTime());
        // The downstream answers again: its circuit's hold (up to 30 s, for every campaign sending there) ends now.
        if (probes.length > 0 && probes.every((p) => p.ok)) await runtime.retryDownstream(downstreamOf(campaign.channel.url));
        windowSamples.push(...probes);
      } else if (campaign.status === 'running' && windowSamples.length < ops.thresholds.minSamples) {
        // A downstream slow enough that the controller cut sending to a trickle answers fewer
        // requests per window than minSamples: judge the newest minSamples answers instead, or
        // the slowdown that most needs a pause would never be judged at all.
        windowSamples = (await runtime.latestSamples(id, ops.thresholds.minSamples)).filter((s) => s.at >= (control.resumedAt ?? 0));
      }
      // The window closes after any probes, so their samples fall inside it.
      const windowEnd = Math.max(now, deps.clock.now().getTime());
      const windowStart = Math.min(control.windowStartedAt, windowSamples[0]?.at ?? control.windowStartedAt);
      const stats = computeWindowStats(windowSamples, { endAt: windowEnd, durationMs: windowEnd - windowStart + 1 });
      const judged = evaluateAutopause(control.autopause, { count: stats.count, p95LatencyMs: stats.p95LatencyMs, errorRate: stats.errorRate, backlogAgeSec: null }, now, {
        thresholds: { p95LatencyMs: ops.thresholds.p95LatencyMs, errorRate: ops.thresholds.errorRate, backlogAgeSec: ops.thresholds.backlogAgeSec },
        breachWindows: ops.thresholds.breachWindows,
        healthyWindows: ops.thresholds.healthyWindows,
        autoResume: ops.thresholds.autoResume,
        minSamples: ops.thresholds.minSamples,
        resumeMargin: 0.8,
      });
      control = { ...control, autopause: judged.state, windowStartedAt: now };
      if (judged.event) {
        result.event = judged.event.type;
        await actOn(deps, id, campaign.name, judged.event, traceId, control);
        if (judged.event.type === 'resume') control = { ...control, resumeRequested: false, controller: policy.initialState(now), resumedAt: now };
        if (judged.event.type === 'resume_needs_approval') control = { ...control, resumeRequested: true };
      }
    }
    await runtime.saveControl(id, control);
    results.push(result);
  }
  return results;
}

async function actOn(deps: Deps, id: string, name: string, event: { type: string; reason: string }, traceId: string, control: CampaignControl) {
  if (event.type === 'pause') {
    await pauseCampaign(deps, id, `auto-pause: ${event.reason}`, 'ops', traceId);
  } else if (event.type === 'resume') {
    await resumeCampaign(deps, id, 'ops', traceId);
  } else if (event.type === 'resume_needs_approval' && !control.resumeRequested) {
    const campaign = await getCampaign(deps.db, id);
    await propose(deps, {
      kind: 'campaign.resume',
      proposer: 'ops',
      params: { campaignId: id, pausedReason: campaign?.status_reason ?? null },
      traceId,
      summary: `Resume "${name}": ${event.reason}`,
      idempotencyKey: `resume:${id}:${campaign?.updated_at ? new Date(campaign.updated_at).getTime() : 0}`,
    });
  }
}
