import type { growthMetrics } from '../../growth/metrics.js';
import { IntervalPlot } from '../charts.js';
import { when } from '../format.js';

type Experiment = Awaited<ReturnType<typeof growthMetrics>>['experiments'][number];

interface ArmRow {
  arm: string;
  mechanism: string;
  rewardAmount: number;
  isControl: boolean;
  exposures: number;
  conversions: number;
  conversionRate: number;
  minSampleReached: boolean;
  vsControl: { absoluteUplift: { estimate: number; lower: number; upper: number }; chanceToBeatControl: number; sequential: { adjustedPValue: number } } | null;
}

interface ProposalRow {
  kind: string;
  arm: string;
  from: number;
  to: number;
  reason: string;
  outcome?: string;
  requestId?: string;
}

interface MechanismRow {
  mechanism: string;
  incrementalConversions: number;
  costPerIncrementalConversion: number | null;
  roi: number | null;
  trend?: string;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '–' : x.toFixed(digits));

export function GrowthLive(props: { experiments: Experiment[] }) {
  if (props.experiments.length === 0) return <p class="muted">No experiment has been analysed yet.</p>;
  return (
    <>
      {props.experiments.map((e) => {
        const arms = e.arms as unknown as ArmRow[];
        const srm = e.srm as { mismatch?: boolean; pValue?: number };
        return (
          <section class="card" data-experiment={e.experimentId}>
            <h2>
              {e.key} <span class="muted">· campaign {e.campaignName} ({e.campaignStatus})</span>
            </h2>
            <p>
              Goal <code>{e.goalEvent}</code> · analysed {when(e.analysedAt)} · SRM{' '}
              <strong class={srm.mismatch ? 'bad' : 'ok'} data-testid="srm">
                {srm.mismatch ? 'mismatch' : 'ok'}
              </strong>{' '}
              (p = {num(srm.pValue, 4)}) · minimum sample {e.minSampleReached ? 'reached' : `not reached (${e.minSamplePerArm} per arm)`}
            </p>
            <table>
              <thead>
                <tr>
                  <th>arm</th>
                  <th>reward</th>
                  <th>exposed</th>
                  <th>converted</th>
                  <th>rate</th>
                  <th>uplift</th>
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
                    <td>{a.vsControl ? pct(a.vsControl.absoluteUplift.estimate) : '–'}</td>
                    <td>{a.vsControl ? pct(a.vsControl.chanceToBeatControl) : '–'}</td>
                    <td>{a.vsControl ? num(a.vsControl.sequential.adjustedPValue, 4) : '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <IntervalPlot
              title="Uplift vs control (95% interval)"
              format={pct}
              rows={arms.flatMap((a) => (a.vsControl ? [{ label: a.arm, ...a.vsControl.absoluteUplift }] : []))}
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
            <h3>Proposals</h3>
            {(e.proposals as unknown as ProposalRow[]).length === 0 ? <p class="muted">None{e.notes.length ? `: ${e.notes.join('; ')}` : ''}.</p> : null}
            <ul>
              {(e.proposals as unknown as ProposalRow[]).map((p) => (
                <li data-testid="proposal">
                  <strong>{p.kind}</strong> {p.arm}: {p.from} → {p.to} — {p.reason}{' '}
                  {p.requestId ? <a href={`/dashboard/approvals/${p.requestId}`}>{p.outcome ?? 'approval'}</a> : <span class="muted">{p.outcome ?? ''}</span>}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}
