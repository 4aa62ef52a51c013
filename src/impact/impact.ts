import type { Deps } from '../deps.js';
import { growthMetrics } from '../growth/metrics.js';
import { recentSnapshots } from '../ops/store.js';
import { campaignEfficiency, channelShares, decisionGroups } from './figures.js';
import { appliedRewardChanges, betaWork, decisionTimes, finishedCampaigns } from './store.js';

/** What Flywheel did for the company over [now − periodMs, now), from its own records. */
export async function impactReport(deps: Deps, periodMs: number) {
  const now = deps.clock.now();
  const from = new Date(now.getTime() - periodMs);
  const before = new Date(from.getTime() - periodMs);
  const [decisions, previous, campaigns, beta, changes, snapshots, growth] = await Promise.all([
    decisionTimes(deps.db, from, now),
    decisionTimes(deps.db, before, from),
    finishedCampaigns(deps.db, from, now),
    betaWork(deps.db, from, now),
    appliedRewardChanges(deps.db, from, now),
    recentSnapshots(deps.db, 1),
    growthMetrics(deps.db, now),
  ]);
  const capacity = ((snapshots[0]?.data as { capacity?: Record<string, { perSec: number }> } | undefined)?.capacity ?? {}) as Record<string, { perSec: number }>;
  const fallbackPerSec = deps.config.ops.capacity.fallbackPerSec;
  const efficiency = campaigns.map((c) => ({ ...c, capacityPerSec: capacity[c.host]?.perSec ?? null, ...campaignEfficiency(c, capacity[c.host]?.perSec ?? null, fallbackPerSec) }));
  const gains = changes.map((change) => {
    const experiment = growth.experiments.find((e) => e.experimentId === change.experimentId);
    const arm = (experiment?.arms as { arm: string; exposures: number; vsControl: { absoluteUplift: { estimate: number } } | null }[] | undefined)?.find((a) => a.arm === change.arm);
    const uplift = arm?.vsControl?.absoluteUplift.estimate ?? null;
    return { ...change, campaignName: experiment?.campaignName ?? null, exposures: arm?.exposures ?? null, uplift, conversions: uplift !== null && arm ? uplift * arm.exposures : null };
  });
  return { from, to: now, decisions: decisionGroups(decisions, previous), shares: channelShares(decisions), decisionCount: decisions.length, efficiency, fallbackPerSec, beta, gains };
}

export type ImpactReport = Awaited<ReturnType<typeof impactReport>>;
