import type { growthMetrics } from '../../growth/metrics.js';
import { IntervalPlot, ProgressBar } from '../charts.js';
import { when } from '../format.js';
import { LiftOverTime } from './lift-over-time.js';

type Experiment = Awaited<ReturnType<typeof growthMetrics>>['experiments'][number];

/** Stored figures: JSON turns NaN and ±Infinity into null. */
type Num = number | null;
interface Interval {
  estimate: Num;
  lower: Num;
  upper: Num;
}
type Stated<T> = ({ state: 'ok' } & T) | { state: 'not enough data' | 'invalid input'; reason: string; field?: string };
interface Lift extends Interval {
  pValue: Num;
}
interface MetricRow {
  metric: 'conversion' | 'revenue';
  control: Num;
  variant: Num;
  absolute: Stated<Lift>;
  relative: Stated<Lift>;
  bayesian: Stated<{ chanceToWin: Num; risk: { control: Num; variant: Num } }>;
  adjusted: { theta: Num; absolute: Stated<Lift>; relative: Stated<Lift> } | null;
}

interface ArmRow {
  arm: string;
  mechanism: string;
  rewardAmount: number;
  isControl: boolean;
  exposures: number;
  conversions: number;
  conversionRate: number;
  revenuePerUser: number;
  minSampleReached: boolean;
  vsControl: {
    state?: 'ok' | 'not enough data';
    reason?: string;
    absoluteUplift: Interval;
    relativeUplift: Interval;
    chanceToBeatControl: Num;
    sequential: { adjustedPValue: Num };
    metrics?: { conversion: MetricRow; revenue: MetricRow };
  } | null;
}

interface MechanismRow {
  mechanism: string;
  incrementalConversions: number;
  costPerIncrementalConversion: number | null;
  roi: number | null;
  trend?: string;
}

const finite = (x: Num | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
const pct = (x: Num | undefined, digits = 2) => (finite(x) ? `${(100 * x).toFixed(digits)}%` : '–');
/** Percentage points: the absolute difference of two rates. */
const pp = (x: Num | undefined) => (finite(x) ? `${x > 0 ? '+' : ''}${(100 * x).toFixed(2)} pp` : '–');
const rel = (x: Num | undefined) => (finite(x) ? `${x > 0 ? '+' : ''}${(100 * x).toFixed(1)}%` : '–');
const money = (x: Num | undefined) => (finite(x) ? `${x > 0 ? '+' : ''}${x.toFixed(2)}` : '–');
const num = (x: Num | undefined, digits = 2) => (finite(x) ? x.toFixed(digits) : '–');
const METRIC_LABEL = { conversion: 'conversion rate', revenue: 'revenue per user' } as const;

function withInterval(r: Stated<Lift> | undefined, format: (x: Num) => string) {
  if (!r) return '–';
  if (r.state !== 'ok') return <span class="muted" data-testid="state">{`${r.state}: ${r.reason}`}</span>;
  return `${format(r.estimate)} [${format(r.lower)}, ${format(r.upper)}]`;
}

const plotRows = (rows: { label: string; r: Stated<Lift> | undefined }[]) =>
  rows.flatMap(({ label, r }) => (r && r.state === 'ok' && finite(r.estimate) && finite(r.lower) && finite(r.upper) ? [{ label, estimate: r.estimate, lower: r.lower, upper: r.upper }] : []));

function MetricTable(props: { metric: 'conversion' | 'revenue'; arms: ArmRow[]; alpha: number }) {
  const variants = props.arms.filter((a) => a.vsControl?.metrics);
  const lifts = variants.map((a) => ({ arm: a.arm, m: a.vsControl!.metrics![props.metric] }));
  const abs = props.metric === 'conversion' ? pp : money;
  const level = `${Math.round((1 - props.alpha) * 100)}%`;
  return (
    <div data-metric={props.metric}>
      <h3>{METRIC_LABEL[props.metric]}</h3>
      <table>
        <thead>
          <tr>
            <th>variant</th>
            <th>control</th>
            <th>variant</th>
            <th>absolute lift ({props.metric === 'conversion' ? 'percentage points' : 'per user'}) [{level}]</th>
            <th>relative lift (%) [{level}]</th>
            <th>p (relative)</th>
            <th>adjusted absolute (CUPED)</th>
            <th>adjusted relative (CUPED)</th>
            <th>chance to win</th>
            <th>risk (relative): keep control / ship variant</th>
          </tr>
        </thead>
        <tbody>
          {lifts.map(({ arm, m }) => (
            <tr>
              <td>{arm}</td>
              <td>{props.metric === 'conversion' ? pct(m.control) : num(m.control)}</td>
              <td>{props.metric === 'conversion' ? pct(m.variant) : num(m.variant)}</td>
              <td data-testid="absolute-lift">{withInterval(m.absolute, abs)}</td>
              <td data-testid="relative-lift">{withInterval(m.relative, rel)}</td>
              <td>{m.relative.state === 'ok' ? num(m.relative.pValue, 4) : '–'}</td>
              <td data-testid="adjusted">{m.adjusted ? withInterval(m.adjusted.absolute, abs) : <span class="muted">no pre-exposure data</span>}</td>
              <td>{m.adjusted ? withInterval(m.adjusted.relative, rel) : '–'}</td>
              <td>{m.bayesian.state === 'ok' ? pct(m.bayesian.chanceToWin, 1) : <span class="muted">{m.bayesian.state}</span>}</td>
              <td>{m.bayesian.state === 'ok' ? `${rel(m.bayesian.risk.control)} / ${rel(m.bayesian.risk.variant)}` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <IntervalPlot
        title={`Uplift vs control: ${METRIC_LABEL[props.metric]}, absolute${props.metric === 'conversion' ? ' (percentage points)' : ''} (${level} interval)`}
        format={props.metric === 'conversion' ? (v) => `${(100 * v).toFixed(1)} pp` : (v) => v.toFixed(2)}
        rows={plotRows(lifts.flatMap(({ arm, m }) => [{ label: arm, r: m.absolute }, { label: `${arm} adjusted`, r: m.adjusted?.absolute }]))}
      />
      <IntervalPlot
        title={`Uplift vs control: ${METRIC_LABEL[props.metric]}, relative (%) (${level} interval)`}
        format={(v) => `${(100 * v).toFixed(0)}%`}
        rows={plotRows(lifts.flatMap(({ arm, m }) => [{ label: arm, r: m.relative }, { label: `${arm} adjusted`, r: m.adjusted?.relative }]))}
      />
    </div>
  );
}

function SrmState(props: { srm: { state?: string; mismatch?: boolean; pValue?: Num; reason?: string } }) {
  const { srm } = props;
  const state = srm.state && srm.state !== 'ok' ? srm.state : srm.mismatch ? 'mismatch' : 'ok';
  return (
    <>
      <strong class={state === 'ok' ? 'ok' : 'bad'} data-testid="srm">
        {state}
      </strong>{' '}
      {state === 'ok' || state === 'mismatch' ? `(p = ${num(srm.pValue, 4)})` : `(${srm.reason ?? ''})`}
    </>
  );
}

function Proposals(props: { e: Experiment }) {
  const { e } = props;
  const requests = e.proposalRequests ?? [];
  const unfiled = (e.proposals as unknown as { kind: string; arm: string; from: number; to: number; outcome?: string; reason?: string; requestId?: string }[]).filter((p) => !p.requestId);
  return (
    <>
      <h3>Proposals</h3>
      {requests.length === 0 && unfiled.length === 0 ? <p class="muted">None{e.notes.length ? `: ${e.notes.join('; ')}` : ''}.</p> : null}
      <ul>
        {requests.map((q) => (
          <li data-testid="proposal">
            <strong>{q.kind}</strong> {q.summary} —{' '}
            <a href={`/dashboard/approvals/${q.id}`} data-testid="proposal-state">
              {q.status}
            </a>{' '}
            <span class="muted">filed {when(q.createdAt)}{q.decidedAt ? `, decided ${when(q.decidedAt)}` : ''}</span>
          </li>
        ))}
        {unfiled.map((p) => (
          <li data-testid="proposal">
            <strong>{p.kind}</strong> {p.arm}: {p.from} → {p.to} — <span class="muted">{p.outcome ?? ''}{p.reason ? `: ${p.reason}` : ''}</span>
          </li>
        ))}
      </ul>
      {requests.length > 0 && e.notes.length > 0 ? <p class="muted">Notes: {e.notes.join('; ')}</p> : null}
    </>
  );
}

export function GrowthLive(props: { experiments: Experiment[] }) {
  if (props.experiments.length === 0) return <p class="muted">No experiment has been analysed yet.</p>;
  return (
    <>
      {props.experiments.map((e) => {
        const arms = e.arms as unknown as ArmRow[];
        const level = `${Math.round((1 - e.alpha) * 100)}%`;
        return (
          <section class="card" data-experiment={e.experimentId}>
            <h2>
              {e.key} <span class="muted">· campaign {e.campaignName} ({e.campaignStatus})</span>
            </h2>
            {e.state !== 'ok' ? (
              <p class="bad" data-testid="analysis-state">
                {e.reason ?? e.state}: no comparison is shown and nothing is proposed.
              </p>
            ) : null}
            <p>
              Goal <code>{e.goalEvent}</code> · analysed {when(e.analysedAt)} · statistics: {e.engine === 'growthbook' ? 'GrowthBook-compatible' : 'Flywheel (exact)'} · SRM <SrmState srm={e.srm as never} /> · minimum sample{' '}
              {e.minSampleReached ? 'reached' : `not reached (${e.minSamplePerArm} per arm)`}
            </p>
            {e.sample.planned > 0 ? (
              <div data-testid="sample-progress">
                <span class="muted">Sample towards plan ({e.minSamplePerArm} per arm)</span>
                <ProgressBar done={e.sample.exposures} total={e.sample.planned} />
              </div>
            ) : null}
            <table>
              <thead>
                <tr>
                  <th>arm</th>
                  <th>reward</th>
                  <th>exposed</th>
                  <th>converted</th>
                  <th>rate</th>
                  <th>absolute lift (pp) [{level}]</th>
                  <th>relative lift (%) [{level}]</th>
                  <th>chance to beat control</th>
                  <th>p (seq.)</th>
                </tr>
              </thead>
              <tbody>
                {arms.map((a) => (
                  <tr>
                    <td>
                      {a.arm}
                      {a.isControl ? ' (control)' : ''}
                    </td>
                    <td>
                      {a.rewardAmount} {a.mechanism}
                    </td>
                    <td>{a.exposures}</td>
                    <td>{a.conversions}</td>
                    <td>{pct(a.conversionRate)}</td>
                    {a.vsControl && a.vsControl.state === 'not enough data' ? (
                      <td colspan={4} class="muted" data-testid="state">
                        {a.vsControl.reason}
                      </td>
                    ) : (
                      <>
                        <td>{a.vsControl ? `${pp(a.vsControl.absoluteUplift.estimate)} [${pp(a.vsControl.absoluteUplift.lower)}, ${pp(a.vsControl.absoluteUplift.upper)}]` : '–'}</td>
                        <td>{a.vsControl ? `${rel(a.vsControl.relativeUplift.estimate)} [${rel(a.vsControl.relativeUplift.lower)}, ${rel(a.vsControl.relativeUplift.upper)}]` : '–'}</td>
                        <td>{a.vsControl ? pct(a.vsControl.chanceToBeatControl) : '–'}</td>
                        <td>{a.vsControl ? num(a.vsControl.sequential.adjustedPValue, 4) : '–'}</td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            {arms.some((a) => a.vsControl?.metrics) ? (
              <>
                <MetricTable metric="conversion" arms={arms} alpha={e.alpha} />
                <MetricTable metric="revenue" arms={arms} alpha={e.alpha} />
              </>
            ) : (
              <IntervalPlot
                title={`Uplift vs control: conversion rate, absolute (percentage points) (${level} interval)`}
                format={(v) => `${(100 * v).toFixed(1)} pp`}
                rows={arms.flatMap((a) => (a.vsControl && finite(a.vsControl.absoluteUplift.lower) && finite(a.vsControl.absoluteUplift.upper) && finite(a.vsControl.absoluteUplift.estimate) ? [{ label: a.arm, estimate: a.vsControl.absoluteUplift.estimate, lower: a.vsControl.absoluteUplift.lower, upper: a.vsControl.absoluteUplift.upper }] : []))}
              />
            )}
            <LiftOverTime
              title={`Result over time: conversion lift per day, percentage points (${level} interval)`}
              format={(v) => `${(100 * v).toFixed(1)} pp`}
              series={arms.filter((a) => !a.isControl).map((a) => ({ label: a.arm, points: e.daily.map((d) => ({ day: d.day, ...(d.arms.find((x) => x.arm === a.arm)?.absolute ?? { estimate: null, lower: null, upper: null }) })) }))}
            />
            <h3>Mechanisms</h3>
            <table>
              <thead>
                <tr>
                  <th>mechanism</th>
                  <th>incremental conversions</th>
                  <th>cost per incremental conversion</th>
                  <th>ROI</th>
                  <th>trend</th>
                </tr>
              </thead>
              <tbody>
                {(e.mechanisms as unknown as MechanismRow[]).map((m) => (
                  <tr>
                    <td>{m.mechanism}</td>
                    <td>{num(m.incrementalConversions, 1)}</td>
                    <td>{num(m.costPerIncrementalConversion)}</td>
                    <td>{num(m.roi)}</td>
                    <td>{m.trend ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Proposals e={e} />
          </section>
        );
      })}
    </>
  );
}
