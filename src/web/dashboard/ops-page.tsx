import type { CapacityEstimate } from '../../ops/monitor.js';
import type { OpsMetrics } from '../../ops/ops-metrics.js';
import type { ScalingReason } from '../../ops/scaling/recommend-workers.js';
import { traceHref, when } from '../format.js';
import { LineChart, type Series } from '../line-chart.js';
import { controlReasonLabel, type ScalingLabelOptions, scalingReasonLabel } from '../reason-labels.js';

export interface OpsEvent {
  at: string;
  action: string;
  actor: string;
  traceId: string;
  subjectId: string;
  /** The campaign's name, when the subject is a campaign. */
  subjectName: string | null;
  data: Record<string, unknown>;
}

export interface OpsPageProps {
  metrics: OpsMetrics;
  scalingEvents: OpsEvent[];
  pauseEvents: OpsEvent[];
  scaling: ScalingLabelOptions;
  /** The controller's reason code per running campaign, from its control state. */
  controlReasons: Record<string, string>;
}

export function OpsLive(props: OpsPageProps) {
  const { metrics } = props;
  const current = metrics.current;
  const series = (label: string, color: string, pick: (h: OpsMetrics['history'][number]) => number | null): Series[] => [
    { label, color, points: metrics.history.map((h) => ({ t: Date.parse(h.at), v: pick(h) })) },
  ];
  const scaling = metrics.recommendations.scaling?.processes.worker;
  const observedByHost = new Map<string, number>();
  for (const c of Object.values(current?.campaigns ?? {})) observedByHost.set(c.downstream, (observedByHost.get(c.downstream) ?? 0) + c.throughputPerSec);
  const hosts = [...new Set([...Object.keys(current?.capacity ?? {}), ...observedByHost.keys()])];
  return (
    <>
      <section class="grid">
        <div class="card">
          <h2>Capacity of each downstream</h2>
          {hosts.length === 0 ? (
            <p class="muted">No downstream measured yet: a launch plans at the configured fallback capacity.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>downstream</th>
                  <th title="What the downstream takes within the latency target: observed when a window reached its limit (latency past the base, errors, 429/503, the limit reached with recipients left); estimated, a lower bound, when campaigns only ever sent less than it could take">capacity</th>
                  <th title="What campaigns sent to it over the last monitor interval">observed throughput</th>
                </tr>
              </thead>
              <tbody>
                {hosts.map((host) => {
                  const c = current?.capacity?.[host];
                  return (
                    <tr>
                      <td>{host}</td>
                      <td data-testid="estimated-capacity">
                        {c ? <CapacityCell estimate={c} snapshotAt={current!.at} /> : '–'}
                      </td>
                      <td data-testid="observed-throughput">{observedByHost.has(host) ? `${observedByHost.get(host)!.toFixed(1)}/s` : 'nothing sent now'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
        <div class="card">
          <h2>Workers</h2>
          {scaling ? (
            <>
              <p data-testid="desired-workers">
                Desired <strong>{scaling.desiredWorkers}</strong> (running {scaling.currentWorkers}): {scalingReasonLabel(scaling.reason, props.scaling)}
              </p>
              <p class="muted">{scaling.detail}</p>
            </>
          ) : (
            <p class="muted">No recommendation yet.</p>
          )}
        </div>
        <div class="card">
          <h2>Round trips</h2>
          {current ? (
            <p>
              Redis {current.redisRttMs.toFixed(1)} ms · Postgres {current.postgresRttMs.toFixed(1)} ms · event loop p99 {current.eventLoopLagMs.p99.toFixed(1)} ms
            </p>
          ) : (
            <p class="muted">No snapshot yet.</p>
          )}
        </div>
      </section>
      <section class="card">
        <h2>Recommendations</h2>
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>for</th>
                <th>in flight</th>
                <th>batch</th>
                <th>rate</th>
                <th>why</th>
              </tr>
            </thead>
            <tbody>
              {metrics.recommendations.campaigns.map((c) => (
                <tr>
                  <td>
                    <a href={`/dashboard/campaigns/${c.campaignId}`}>{c.name}</a> (sending)
                  </td>
                  <td>{c.limit ?? '–'}</td>
                  <td>{c.batchSize ?? '–'}</td>
                  <td>{c.ratePerSec === null ? '–' : `${c.ratePerSec.toFixed(1)}/s`}</td>
                  <td>
                    {props.controlReasons[c.campaignId] ? controlReasonLabel(props.controlReasons[c.campaignId]!) : ''}
                    {c.reason ? <div class="muted">{c.reason}</div> : null}
                  </td>
                </tr>
              ))}
              {metrics.recommendations.launch.map((l) => (
                <tr>
                  <td>launch to {l.downstream ?? 'an unmeasured downstream'}</td>
                  <td>–</td>
                  <td>{l.recommendation.batchSize}</td>
                  <td>{l.recommendation.ratePerSec.toFixed(1)}/s</td>
                  <td class="muted">{l.recommendation.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section class="grid wide">
        <LineChart title="Backlog (waiting, prioritized and delayed jobs)" unit="jobs" series={series('waiting', '#2f6fdf', (h) => h.backlog)} />
        <LineChart title="Observed deliveries" unit="/s" series={series('sent by campaigns', '#137333', (h) => h.deliveriesPerSec)} />
        <LineChart title="Desired workers" unit="workers" series={series('worker', '#8a4fd8', (h) => h.desiredWorkers)} />
      </section>
      <section class="grid">
        <EventTable
          title="Scaling history"
          events={props.scalingEvents}
          describe={(e) => (
            <>
              {String(e.data.from)} → {String(e.data.to)} workers: {typeof e.data.reason === 'string' ? scalingReasonLabel(e.data.reason as ScalingReason, props.scaling) : ''}
              <div class="muted">{String(e.data.detail ?? '')}</div>
            </>
          )}
        />
        <EventTable
          title="Pauses and resumes"
          events={props.pauseEvents}
          describe={(e) => (
            <>
              {e.action === 'campaign.paused' ? 'Paused' : 'Resumed'} <a href={`/dashboard/campaigns/${e.subjectId}`}>{e.subjectName ?? e.subjectId}</a> by {e.actor}
              {typeof e.data.reason === 'string' ? <div class="muted">{e.data.reason}</div> : null}
            </>
          )}
        />
      </section>
    </>
  );
}

function EventTable(props: { title: string; events: OpsEvent[]; describe: (e: OpsEvent) => unknown }) {
  return (
    <div class="card">
      <h2>{props.title}</h2>
      {props.events.length === 0 ? <p class="muted">None yet.</p> : null}
      <table>
        <tbody>
          {props.events.map((e) => (
            <tr>
              <td>{when(e.at)}</td>
              <td>{props.describe(e) as never}</td>
              <td>
                <a href={traceHref(e.traceId)}>trace</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Observed (a downstream-limited window measured it, with the estimator's confidence) or
 * estimated (a lower bound from app-limited windows: at least this much), and its age at the
 * snapshot. docs/adaptive-controller.md explains the two.
 */
function CapacityCell(props: { estimate: CapacityEstimate; snapshotAt: string }) {
  const { estimate } = props;
  const observed = (estimate.kind ?? 'observed') === 'observed';
  const ageSec = Math.max(0, (Date.parse(props.snapshotAt) - Date.parse(estimate.measuredAt)) / 1000);
  const age = ageSec < 120 ? `${Math.round(ageSec)} s` : ageSec < 7200 ? `${Math.round(ageSec / 60)} min` : `${Math.round(ageSec / 3600)} h`;
  return (
    <>
      {observed ? `${estimate.perSec.toFixed(1)}/s` : `≥ ${estimate.perSec.toFixed(1)}/s`}
      <div class="muted" data-testid="capacity-kind">
        {observed ? `observed, confidence ${Math.round((estimate.confidence ?? 1) * 100)}%` : 'estimated: a lower bound, never reached'} · {age} old ({when(estimate.measuredAt)})
      </div>
    </>
  );
}
