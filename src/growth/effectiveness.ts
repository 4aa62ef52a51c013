import type { ExperimentAnalysis, RewardMechanism } from './analysis.js';

export type TrendDirection = 'improving' | 'declining' | 'stable' | 'new';

export interface MechanismEffect {
  mechanism: RewardMechanism;
  /** Variant arms using this mechanism (the control is the baseline, not an effect). */
  arms: string[];
  exposures: number;
  conversions: number;
  /** Exposure-weighted absolute conversion-rate uplift over control. */
  uplift: number;
  /** Σ over the arms of conversions − exposures × control rate. */
  incrementalConversions: number;
  incrementalRevenue: number;
  incrementalCost: number;
  /** incrementalCost / incrementalConversions; null without incremental conversions. */
  costPerIncrementalConversion: number | null;
  /** (incrementalRevenue − incrementalCost) / incrementalCost; null when the mechanism costs no more than control. */
  roi: number | null;
  trend: {
    direction: TrendDirection;
    /** Uplift at the previous analysis; null for a mechanism seen for the first time. */
    previousUplift: number | null;
    /** uplift − previousUplift. */
    change: number | null;
  };
}

/**
 * Gamification effectiveness per reward mechanism: the variant arms of a
 * mechanism pooled against the control, and the trend against the previous
 * analysis. A change within one standard error of the current uplift (pooled
 * over the arms) counts as stable, so hourly noise does not read as a trend.
 */
export function mechanismEffectiveness(analysis: ExperimentAnalysis, previous: readonly MechanismEffect[] = []): MechanismEffect[] {
  const groups = new Map<RewardMechanism, ExperimentAnalysis['arms']>();
  for (const arm of analysis.arms) {
    if (arm.isControl || !arm.vsControl) continue;
    groups.set(arm.mechanism, [...(groups.get(arm.mechanism) ?? []), arm]);
  }
  return [...groups].map(([mechanism, arms]) => {
    const exposures = arms.reduce((s, a) => s + a.exposures, 0);
    const sum = (f: (v: NonNullable<(typeof arms)[number]['vsControl']>) => number) => arms.reduce((s, a) => s + f(a.vsControl!), 0);
    const incrementalConversions = sum((v) => v.incrementalConversions);
    const incrementalRevenue = sum((v) => v.incrementalRevenue);
    const incrementalCost = sum((v) => v.incrementalCost);
    const weighted = (f: (v: NonNullable<(typeof arms)[number]['vsControl']>) => number) =>
      exposures > 0 ? arms.reduce((s, a) => s + a.exposures * f(a.vsControl!), 0) / exposures : 0;
    const uplift = weighted((v) => v.absoluteUplift.estimate);
    const standardError = weighted((v) => v.absoluteUplift.standardError);
    const before = previous.find((p) => p.mechanism === mechanism);
    const change = before ? uplift - before.uplift : null;
    const direction: TrendDirection =
      change === null ? 'new' : Math.abs(change) <= standardError || !Number.isFinite(standardError) ? 'stable' : change > 0 ? 'improving' : 'declining';
    return {
      mechanism,
      arms: arms.map((a) => a.arm),
      exposures,
      conversions: arms.reduce((s, a) => s + a.conversions, 0),
      uplift,
      incrementalConversions,
      incrementalRevenue,
      incrementalCost,
      costPerIncrementalConversion: incrementalConversions > 0 ? incrementalCost / incrementalConversions : null,
      roi: incrementalCost > 0 ? (incrementalRevenue - incrementalCost) / incrementalCost : null,
      trend: { direction, previousUplift: before?.uplift ?? null, change },
    };
  });
}
