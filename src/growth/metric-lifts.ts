import type { ArmTotals } from './stats/arm-metrics.js';
import { type BayesianLift, bayesianLift } from './stats/bayesian-lift.js';
import { type ConfidenceSequenceLift, confidenceSequenceLift } from './stats/confidence-sequence.js';
import type { DifferenceType } from './stats/effect-moments.js';
import { type FrequentistLift, frequentistLift, tTestOfMoments } from './stats/frequentist-lift.js';
import { type AdjustableStatistic, adjustedDf, adjustedMoments } from './stats/regression-adjustment.js';
import { notEnoughData, type Stated } from './stats/result-state.js';
import type { SummaryStatistic } from './stats/summary-statistic.js';

/**
 * The same users' activity in the window of the same length before their
 * exposure, from the events table: CUPED's covariate.
 */
export interface PreExposure {
  /** Users with a goal event before exposure. */
  conversions: number;
  /** Users with a goal event both before and after exposure (Σ pre·post of the 0/1 outcomes). */
  conversionsBoth: number;
  revenueSum: number;
  revenueSumSq: number;
  /** Σ pre-exposure revenue × post-exposure revenue over users. */
  revenueProducts: number;
}

export type MetricName = 'conversion' | 'revenue';

export interface AdjustedLift {
  /** θ of Y − θ·X, pooled over both arms. */
  theta: number;
  absolute: Stated<FrequentistLift>;
  relative: Stated<FrequentistLift>;
}

/** Every GrowthBook-style figure of one metric, variant vs control. */
export interface MetricLift {
  metric: MetricName;
  /** Control and variant means: conversion rate, or revenue per exposed user. */
  control: number;
  variant: number;
  /** Fixed-horizon, Welch t (absolute: the metric's units; relative: a fraction of control). */
  absolute: Stated<FrequentistLift>;
  relative: Stated<FrequentistLift>;
  /** Flat-prior normal posterior of the relative lift; risk in relative units. */
  bayesian: Stated<BayesianLift>;
  /** Always-valid confidence sequence of the relative lift. */
  sequential: Stated<ConfidenceSequenceLift>;
  /** CUPED with pre-exposure activity, when the arms carry it. */
  adjusted: AdjustedLift | null;
}

export interface ArmWithPre extends ArmTotals {
  pre?: PreExposure;
}

export function statisticOf(arm: ArmTotals, metric: MetricName): SummaryStatistic {
  return metric === 'conversion'
    ? { kind: 'proportion', n: arm.exposures, sum: arm.conversions }
    : { kind: 'mean', n: arm.exposures, sum: arm.revenueSum, sumSquares: arm.revenueSumSq };
}

function adjustableOf(arm: ArmWithPre, metric: MetricName): AdjustableStatistic | null {
  const pre = arm.pre;
  if (!pre) return null;
  const post = statisticOf(arm, metric);
  return metric === 'conversion'
    ? { post, pre: { kind: 'proportion', n: arm.exposures, sum: pre.conversions }, sumOfProducts: pre.conversionsBoth }
    : { post, pre: { kind: 'mean', n: arm.exposures, sum: pre.revenueSum, sumSquares: pre.revenueSumSq }, sumOfProducts: pre.revenueProducts };
}

function adjustedLift(a: AdjustableStatistic, b: AdjustableStatistic, alpha: number): AdjustedLift {
  let theta = 0;
  const one = (difference: DifferenceType): Stated<FrequentistLift> => {
    const m = adjustedMoments(a, b, difference);
    if ('state' in m) return m;
    theta = m.theta;
    const df = adjustedDf(m, a.post.n, b.post.n);
    if (!(df > 0 && df < Infinity)) return notEnoughData('variances too small to estimate degrees of freedom');
    return { state: 'ok', ...tTestOfMoments(m, df, difference, alpha) };
  };
  const absolute = one('absolute');
  const relative = one('relative');
  return { theta, absolute, relative };
}

/** GrowthBook-compatible lifts of one metric (gbstats' engines; see docs/statistics.md). */
export function metricLift(control: ArmWithPre, variant: ArmWithPre, metric: MetricName, options: { alpha: number; sequentialTuning: number }): MetricLift {
  const a = statisticOf(control, metric);
  const b = statisticOf(variant, metric);
  const preA = adjustableOf(control, metric);
  const preB = adjustableOf(variant, metric);
  return {
    metric,
    control: a.n > 0 ? a.sum / a.n : NaN,
    variant: b.n > 0 ? b.sum / b.n : NaN,
    absolute: frequentistLift(a, b, 'absolute', options.alpha),
    relative: frequentistLift(a, b, 'relative', options.alpha),
    bayesian: bayesianLift(a, b, 'relative', options.alpha),
    sequential: confidenceSequenceLift(a, b, 'relative', { alpha: options.alpha, tuning: options.sequentialTuning }),
    adjusted: preA && preB ? adjustedLift(preA, preB, options.alpha) : null,
  };
}
