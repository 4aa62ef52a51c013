import { absoluteUplift } from './stats/absolute-uplift.js';
import { armMetrics, revenueSample } from './stats/arm-metrics.js';
import type { ArmTotals } from './stats/arm-metrics.js';
import { benjaminiHochbergAdjust } from './stats/benjamini-hochberg.js';
import { chanceToBeatControl, expectedLoss } from './stats/chance-to-beat.js';
import { holmAdjust } from './stats/holm.js';
import { relativeUplift } from './stats/relative-uplift.js';
import { sampleRatioMismatch } from './stats/sample-ratio-mismatch.js';
import type { SampleRatioMismatch } from './stats/sample-ratio-mismatch.js';
import { sampleSizePerArm } from './stats/sample-size.js';
import type { SampleSizePlan } from './stats/sample-size.js';
import type { Interval } from './stats/samples.js';
import { sequentialProportionTest } from './stats/sequential-test.js';
import type { SequentialResult } from './stats/sequential-test.js';
import { twoProportionZTest } from './stats/two-proportion-z-test.js';
import { welchTTest } from './stats/welch-t-test.js';
import type { WelchResult } from './stats/welch-t-test.js';
import { type ArmWithPre, type MetricLift, metricLift, statisticOf } from './metric-lifts.js';
import { gaussianRisk } from './stats/bayesian-lift.js';
import { confidenceSequenceOfMoments } from './stats/confidence-sequence.js';
import { effectMoments } from './stats/effect-moments.js';
import { type Degenerate, describeState, type InvalidInput, invalidInput } from './stats/result-state.js';
import { checkStatistic, firstProblem } from './stats/summary-statistic.js';

export type RewardMechanism = 'points' | 'streak' | 'badge' | 'referral_bonus' | 'none';

/** Running totals of one arm, as the event pipeline keeps them (with pre-exposure activity for CUPED when read). */
export interface ArmAggregate extends ArmTotals, ArmWithPre {
  arm: string;
  mechanism: RewardMechanism;
  /** Reward paid per redemption, in currency units (0 for 'none'). */
  rewardAmount: number;
  /** Total reward spend in this arm so far, in currency units. */
  rewardCost: number;
}

export interface ExperimentInput {
  controlArm: string;
  arms: ArmAggregate[];
  /** Configured traffic weights per arm (any scale); the SRM check compares exposures with them. */
  expectedWeights: Record<string, number>;
}

/**
 * Which statistics drive the decision figures (uplift intervals, chance to beat
 * control, expected loss, sequential test). 'flywheel': exact Beta posteriors and
 * the mSPRT. 'growthbook': gbstats' normal approximations and asymptotic
 * confidence sequences, number for number. See docs/statistics.md.
 */
export type StatsEngine = 'flywheel' | 'growthbook';

export interface AnalysisOptions {
  /** @defaultValue 'flywheel' */
  engine?: StatsEngine;
  /** N* of the 'growthbook' engine's confidence sequences (and of the metric table's). @defaultValue 5000 */
  sequentialTuning?: number;
  /** Significance level for intervals and sequential tests. @defaultValue 0.05 */
  alpha?: number;
  /** Multiple-comparison correction across variants. @defaultValue 'holm' */
  correction?: 'holm' | 'benjamini-hochberg';
  /** SRM is flagged below this p-value. @defaultValue 0.001 */
  srmThreshold?: number;
  /** τ² of the sequential test, see {@link sequentialProportionTest}. @defaultValue 1e-4 */
  mixtureVariance?: number;
  /** Users each arm needs before results are acted on. @defaultValue from `samplePlan` if given, else 0 */
  minSamplePerArm?: number;
  /** Planned effect, used to compute `minSamplePerArm` at `alpha` when that is not given. */
  samplePlan?: Omit<SampleSizePlan, 'alpha'>;
  /** Sequential results of the previous analysis per arm, for running min/intersection. @defaultValue none */
  previousSequential?: Record<string, { pValue: number; lower: number; upper: number }>;
}

export interface VersusControl {
  /**
   * Whether the conversion comparison has figures: 'not enough data' (no
   * users, no conversions yet, …) leaves the intervals NaN (null in JSON) and
   * the tests at p = 1 rather than showing a zero-width interval.
   */
  state: 'ok' | 'not enough data';
  reason?: string;
  absoluteUplift: Interval;
  relativeUplift: Interval;
  /** Fixed-horizon pooled z-test: valid only if looked at once, at the planned sample size. */
  zTest: { z: number; pValue: number; adjustedPValue: number };
  /** Welch t-test on revenue per exposed user. */
  revenue: WelchResult;
  /** Always-valid mSPRT on the conversion-rate difference; `adjustedPValue` is corrected across variants. */
  sequential: SequentialResult & { adjustedPValue: number };
  chanceToBeatControl: number;
  /** E[max(pControl − pVariant, 0)], absolute rate. */
  expectedLoss: number;
  /** conversions − exposures × control rate. */
  incrementalConversions: number;
  /** revenue − exposures × control revenue per user. */
  incrementalRevenue: number;
  /** rewardCost − exposures × control reward cost per user. */
  incrementalCost: number;
  /** incrementalCost / incrementalConversions; null when there are no incremental conversions. */
  costPerIncrementalConversion: number | null;
  /** (incrementalRevenue − incrementalCost) / incrementalCost; null when the arm costs no more than control. */
  roi: number | null;
  /** GrowthBook-compatible figures of every metric: conversion rate and revenue per user. */
  metrics: { conversion: MetricLift; revenue: MetricLift };
}

export interface ArmAnalysis {
  arm: string;
  mechanism: RewardMechanism;
  rewardAmount: number;
  isControl: boolean;
  exposures: number;
  conversions: number;
  conversionRate: number;
  revenuePerUser: number;
  rewardCostPerUser: number;
  /** Normalised configured weight. */
  expectedWeight: number;
  minSampleReached: boolean;
  /** null for the control arm. */
  vsControl: VersusControl | null;
}

export interface ExperimentAnalysis {
  /** 'invalid input': an arm's totals cannot come from real data (`reason` names it); no comparison is made. */
  state: 'ok' | 'invalid input';
  reason?: string;
  engine: StatsEngine;
  controlArm: string;
  alpha: number;
  correction: 'holm' | 'benjamini-hochberg';
  minSamplePerArm: number;
  srm: SampleRatioMismatch;
  /** True when every arm has at least minSamplePerArm exposures. */
  minSampleReached: boolean;
  arms: ArmAnalysis[];
}

const UNKNOWN: Interval = { estimate: NaN, lower: NaN, upper: NaN, standardError: NaN };

function flywheelFigures(control: ArmAggregate, variant: ArmAggregate, alpha: number) {
  return {
    absoluteUplift: absoluteUplift(control, variant, 1 - alpha),
    relativeUplift: relativeUplift(control, variant, 1 - alpha),
    chanceToBeatControl: chanceToBeatControl(control, variant),
    expectedLoss: expectedLoss(control, variant),
  };
}

/** The decision figures from gbstats' engines: t intervals, normal posterior, absolute risk. */
function growthbookFigures(conversion: MetricLift, control: ArmAggregate, variant: ArmAggregate) {
  const interval = (r: MetricLift['absolute']): Interval => (r.state === 'ok' ? { estimate: r.estimate, lower: r.lower, upper: r.upper, standardError: r.standardError } : UNKNOWN);
  const moments = effectMoments(statisticOf(control, 'conversion'), statisticOf(variant, 'conversion'), 'absolute');
  return {
    absoluteUplift: interval(conversion.absolute),
    relativeUplift: interval(conversion.relative),
    chanceToBeatControl: conversion.bayesian.state === 'ok' ? conversion.bayesian.chanceToWin : NaN,
    expectedLoss: 'state' in moments ? NaN : gaussianRisk(moments.estimate, moments.standardError).variant,
  };
}

function compare(control: ArmAggregate, variant: ArmAggregate, options: { alpha: number; engine: StatsEngine; sequentialTuning: number }): Omit<VersusControl, 'zTest' | 'sequential'> {
  const { alpha, engine } = options;
  const c = armMetrics(control);
  const costPerUserControl = control.exposures > 0 ? control.rewardCost / control.exposures : 0;
  const incrementalConversions = variant.conversions - variant.exposures * c.conversionRate;
  const incrementalRevenue = variant.revenueSum - variant.exposures * c.revenuePerUser;
  const incrementalCost = variant.rewardCost - variant.exposures * costPerUserControl;
  const metrics = { conversion: metricLift(control, variant, 'conversion', options), revenue: metricLift(control, variant, 'revenue', options) };
  const problem = conversionProblem(control, variant);
  const figures = engine === 'growthbook' ? growthbookFigures(metrics.conversion, control, variant) : flywheelFigures(control, variant, alpha);
  if (problem) {
    figures.absoluteUplift = { ...UNKNOWN, estimate: figures.absoluteUplift.estimate };
    figures.relativeUplift = UNKNOWN;
  }
  return {
    state: problem ? 'not enough data' : 'ok',
    ...(problem ? { reason: describeState(problem) } : {}),
    ...figures,
    revenue: welchTTest(revenueSample(control), revenueSample(variant), 1 - alpha),
    incrementalConversions,
    incrementalRevenue,
    incrementalCost,
    costPerIncrementalConversion: incrementalConversions > 0 ? incrementalCost / incrementalConversions : null,
    roi: incrementalCost > 0 ? (incrementalRevenue - incrementalCost) / incrementalCost : null,
    metrics,
  };
}

/** Why two arms' conversion rates cannot be compared yet, or null. */
function conversionProblem(control: ArmAggregate, variant: ArmAggregate): Degenerate | null {
  return firstProblem(checkStatistic(statisticOf(control, 'conversion'), 'control'), checkStatistic(statisticOf(variant, 'conversion'), 'variant'));
}

/** A sequential test that has seen nothing: p = 1, unbounded interval. */
const NO_EVIDENCE: SequentialResult = { likelihoodRatio: 1, pValue: 1, lower: -Infinity, upper: Infinity };

/** gbstats' always-valid sequence on the absolute conversion difference, in the mSPRT's result shape. */
function growthbookSequential(control: ArmAggregate, variant: ArmAggregate, alpha: number, tuning: number): SequentialResult {
  const m = effectMoments(statisticOf(control, 'conversion'), statisticOf(variant, 'conversion'), 'absolute');
  if ('state' in m) return NO_EVIDENCE;
  const r = confidenceSequenceOfMoments(m, control.exposures + variant.exposures, 'absolute', { alpha, tuning });
  return { likelihoodRatio: 1 / r.pValue, pValue: r.pValue, lower: r.lower, upper: r.upper };
}

/** Totals no real arm can have: the first one found, by field. */
export function invalidArm(arm: ArmAggregate): InvalidInput | null {
  const name = `arms.${arm.arm}`;
  for (const field of ['exposures', 'conversions', 'revenueSum', 'revenueSumSq', 'rewardCost'] as const) {
    if (!Number.isFinite(arm[field])) return invalidInput(`${name}.${field}`, `${arm[field]} is not a finite number`);
  }
  for (const field of ['exposures', 'conversions', 'revenueSumSq'] as const) {
    if (arm[field] < 0) return invalidInput(`${name}.${field}`, `negative (${arm[field]})`);
  }
  const problem: Degenerate | null = checkStatistic(statisticOf(arm, 'conversion'), name) ?? checkStatistic(statisticOf(arm, 'revenue'), name);
  if (problem?.state === 'invalid input') return problem;
  if (arm.pre) {
    for (const [field, value] of Object.entries(arm.pre)) {
      if (!Number.isFinite(value)) return invalidInput(`${name}.pre.${field}`, `${value} is not a finite number`);
    }
  }
  return null;
}

function resolveMinSample(alpha: number, options: AnalysisOptions): number {
  if (options.minSamplePerArm !== undefined) return options.minSamplePerArm;
  return options.samplePlan ? sampleSizePerArm({ ...options.samplePlan, alpha }).perArm : 0;
}

/** Everything the growth strategist needs about an experiment, per arm, from running totals. */
export function analyzeExperiment(input: ExperimentInput, options: AnalysisOptions = {}): ExperimentAnalysis {
  const { alpha = 0.05, correction = 'holm', srmThreshold = 0.001, mixtureVariance = 1e-4, engine = 'flywheel', sequentialTuning = 5000 } = options;
  const control = input.arms.find((a) => a.arm === input.controlArm);
  if (!control) throw new RangeError(`control arm ${input.controlArm} is not among the arms`);
  const weightOf = (arm: string) => input.expectedWeights[arm] ?? 0;
  const weightSum = input.arms.reduce((s, a) => s + weightOf(a.arm), 0);
  const srm = sampleRatioMismatch(input.arms.map((a) => a.exposures), input.arms.map((a) => weightOf(a.arm)), srmThreshold);
  const minSamplePerArm = resolveMinSample(alpha, options);

  const invalid = input.arms.map(invalidArm).find((x) => x !== null) ?? null;
  const variants = invalid ? [] : input.arms.filter((a) => a !== control);
  const zTests = variants.map((v) => twoProportionZTest(control, v));
  const sequential = variants.map((v) =>
    conversionProblem(control, v)
      ? NO_EVIDENCE
      : engine === 'growthbook'
      ? growthbookSequential(control, v, alpha, sequentialTuning)
      : sequentialProportionTest(control, v, { alpha, mixtureVariance, previous: options.previousSequential?.[v.arm] }),
  );
  const adjust = correction === 'holm' ? holmAdjust : benjaminiHochbergAdjust;
  const zAdjusted = adjust(zTests.map((t) => t.pValue));
  const sequentialAdjusted = adjust(sequential.map((t) => t.pValue));

  const arms = input.arms.map((a): ArmAnalysis => {
    const m = armMetrics(a);
    const i = variants.indexOf(a);
    return {
      arm: a.arm,
      mechanism: a.mechanism,
      rewardAmount: a.rewardAmount,
      isControl: a === control,
      exposures: a.exposures,
      conversions: a.conversions,
      conversionRate: m.conversionRate,
      revenuePerUser: m.revenuePerUser,
      rewardCostPerUser: a.exposures > 0 ? a.rewardCost / a.exposures : 0,
      expectedWeight: weightSum > 0 ? weightOf(a.arm) / weightSum : 0,
      minSampleReached: a.exposures >= minSamplePerArm,
      vsControl:
        i < 0
          ? null
          : {
              ...compare(control, a, { alpha, engine, sequentialTuning }),
              zTest: { ...(zTests[i] as { z: number; pValue: number }), adjustedPValue: zAdjusted[i] as number },
              sequential: { ...(sequential[i] as SequentialResult), adjustedPValue: sequentialAdjusted[i] as number },
            },
    };
  });
  return {
    state: invalid ? 'invalid input' : 'ok',
    ...(invalid ? { reason: describeState(invalid) } : {}),
    engine,
    controlArm: input.controlArm,
    alpha,
    correction,
    minSamplePerArm,
    srm,
    minSampleReached: arms.every((a) => a.minSampleReached),
    arms,
  };
}
