import type { ImpactReport } from '../../impact/impact.js';
import { duration, durationMs, when } from '../format.js';

export const PERIODS: Record<string, { label: string; ms: number }> = {
  '7d': { label: '7 days', ms: 7 * 86_400_000 },
  '30d': { label: '30 days', ms: 30 * 86_400_000 },
  '90d': { label: '90 days', ms: 90 * 86_400_000 },
};

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

function Trend(props: { now: number | null; before: number | null }) {
  if (props.now === null || props.before === null) return <span class="muted">no earlier data</span>;
  const change = props.now / props.before - 1;
  if (Math.abs(change) < 0.05) return <span>about the same</span>;
  return <span class={change < 0 ? 'ok' : 'warn'}>{change < 0 ? `${pct(-change)} faster` : `${pct(change)} slower`}</span>;
}

/** How each figure is computed, under it. */
const How = (props: { children: unknown }) => <p class="muted how">How: {props.children as never}</p>;

export function ImpactPage(props: { report: ImpactReport; period: string }) {
  const r = props.report;
  const totalSaved = r.efficiency.reduce((s, c) => s + Math.max(0, c.savedSec), 0);
  const gained = r.gains.reduce((s, g) => s + (g.conversions ?? 0), 0);
  return (
    <>
      <nav class="actions" aria-label="Period">
        {Object.entries(PERIODS).map(([key, p]) => (
          <a href={`/dashboard/impact?period=${key}`} class={key === props.period ? 'range current' : 'range'} aria-current={key === props.period ? 'page' : undefined}>
            {p.label}
          </a>
        ))}
      </nav>
      <p class="muted">
        From {when(r.from.toISOString())} to {when(r.to.toISOString())}.
      </p>
      <section class="card" data-testid="impact-approvals">
        <h2>Approvals: time to decision</h2>
        {r.decisionCount === 0 ? (
          <p class="muted">No decision in this period.</p>
        ) : (
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th>channel</th>
                  <th>priority</th>
                  <th>decisions</th>
                  <th>median</th>
                  <th>p90</th>
                  <th>trend (median vs the period before)</th>
                </tr>
              </thead>
              <tbody>
                {r.decisions.map((g) => (
                  <tr>
                    <td>{g.channel}</td>
                    <td>{g.priority}</td>
                    <td>{g.count}</td>
                    <td>{durationMs(g.medianMs)}</td>
                    <td>{durationMs(g.p90Ms)}</td>
                    <td>
                      <Trend now={g.medianMs} before={g.previousMedianMs} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p>
          Decided on each channel: {r.shares.length === 0 ? '–' : r.shares.map((s) => `${s.channel} ${pct(s.share)} (${s.count})`).join(' · ')}
        </p>
        <How>each decision's time is when it was recorded less when the request was created; median and p90 are nearest-rank over the decisions recorded in the period, by the decision's channel and the request's priority; the trend compares the median with the period of the same length before. Shares count decisions per channel.</How>
      </section>
      <section class="card" data-testid="impact-campaigns">
        <h2>Campaign efficiency</h2>
        {r.efficiency.length === 0 ? (
          <p class="muted">No campaign finished in this period.</p>
        ) : (
          <>
            <p>
              {r.efficiency.length} campaign{r.efficiency.length === 1 ? '' : 's'} finished; <strong>{duration(totalSaved)}</strong> saved against sending at the configured fallback rate of {r.fallbackPerSec}/s.
            </p>
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th>campaign</th>
                    <th>delivered</th>
                    <th>goodput</th>
                    <th>estimated capacity</th>
                    <th>share of capacity</th>
                    <th>time saved</th>
                  </tr>
                </thead>
                <tbody>
                  {r.efficiency.map((c) => (
                    <tr>
                      <td>
                        <a href={`/dashboard/campaigns/${c.id}`}>{c.name}</a>
                      </td>
                      <td>{c.delivered.toLocaleString('en')}</td>
                      <td>{c.goodputPerSec.toFixed(1)}/s</td>
                      <td>{c.capacityPerSec === null ? 'not measured' : `${c.capacityPerSec.toFixed(1)}/s`}</td>
                      <td>{c.shareOfCapacity === null ? '–' : pct(c.shareOfCapacity)}</td>
                      <td>{c.savedSec >= 0 ? duration(c.savedSec) : `${duration(-c.savedSec)} slower`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
        <How>goodput is the campaign's delivered messages ÷ the time from its launch to its finish (pauses included); estimated capacity is the Ops agent's latest estimate for the same downstream host; time saved is delivered ÷ ops.capacity.fallbackPerSec (the rate Flywheel would assume without measuring) less the time it took; the total counts only campaigns that were faster.</How>
      </section>
      <section class="card" data-testid="impact-beta">
        <h2>Beta work done without a person</h2>
        <p>
          {r.beta.screened.toLocaleString('en')} tenants screened · {r.beta.invited.toLocaleString('en')} invitations sent · {r.beta.feedback.toLocaleString('en')} feedback items analysed ·{' '}
          {r.beta.stories.toLocaleString('en')} user stories written — against <strong>{r.beta.decidedByPeople}</strong> invitation batch{r.beta.decidedByPeople === 1 ? '' : 'es'} that needed a person's decision.
        </p>
        <How>tenants screened sums each screening run's tenant count; invitations count Beta participants invited in the period; feedback counts items received (each is scored for sentiment and themed on arrival); stories count the stories in the sprint reports written in the period; decisions count beta.invite approval requests approved or rejected by a person.</How>
      </section>
      <section class="card" data-testid="impact-rewards">
        <h2>Conversions gained by reward changes</h2>
        {r.gains.length === 0 ? (
          <p class="muted">No reward change was applied in this period.</p>
        ) : (
          <>
            <p>
              About <strong>{gained.toFixed(0)}</strong> conversions gained by {r.gains.length} applied change{r.gains.length === 1 ? '' : 's'}.
            </p>
            <ul>
              {r.gains.map((g) => (
                <li>
                  {when(g.at.toISOString())} · {g.campaignName ?? g.experimentId} arm {g.arm}:{' '}
                  {g.conversions === null ? 'no measured uplift yet' : `${(g.uplift! * 100).toFixed(1)} points × ${g.exposures!.toLocaleString('en')} exposures = ${g.conversions.toFixed(0)}`}
                </li>
              ))}
            </ul>
          </>
        )}
        <How>for each reward change applied in the period, the changed arm's absolute uplift in conversion rate over the control, as its experiment's latest analysis measured it, × the arm's exposures in that analysis.</How>
      </section>
    </>
  );
}
