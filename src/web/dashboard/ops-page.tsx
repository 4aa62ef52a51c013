import type { OpsMetrics } from '../../ops/ops-metrics.js';
import { LineChart } from '../charts.js';
import { when } from '../format.js';

export interface OpsEvent {
  at: string;
  action: string;
  subjectId: string;
  data: Record<string, unknown>;
}

export function OpsLive(props: { metrics: OpsMetrics; scalingEvents: OpsEvent[]; pauseEvents: OpsEvent[] }) {
  const { metrics } = props;
  const current = metrics.current;
  const points = (pick: (h: OpsMetrics['history'][number]) => number | null) =>
    metrics.history.flatMap((h) => {
      const v = pick(h);
      return v === null ? [] : [{ t: Date.parse(h.at), v }];
    });
  const scaling = metrics.recommendations.scaling?.processes.worker;
  return (
    <>
      <section class="grid">
        <div class="card">
          <h2>Capacity</h2>
          <table>
            <tbody>
              {Object.entries(current?.capacity ?? {}).map(([host, c]) => (
                <tr>
                  <td>{host}</td>
                  <td>{c.perSec.toFixed(1)}/s</td>
                  <td class="muted">{when(c.measuredAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {Object.keys(current?.capacity ?? {}).length === 0 ? <p class="muted">No downstream measured yet.</p> : null}
        </div>
        <div class="card">
          <h2>Workers</h2>
          {scaling ? (
            <p data-testid="desired-workers">
              Desired <strong>{scaling.desiredWorkers}</strong> (running {scaling.currentWorkers}) — {scaling.reason}
            </p>
          ) : (
            <p class="muted">No recommendation yet.</p>
          )}
          {scaling ? <p class="muted">{scaling.detail}</p> : null}
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
        <table>
          <thead>
            <tr>
              <th>for</th>
              <th>batch</th>
              <th>rate</th>
              <th>why</th>
            </tr>
          </thead>
          <tbody>
            {metrics.recommendations.campaigns.map((c) => (
              <tr>
                <td>
                  <a href={`/dashboard/campaigns/${c.campaignId}`}>{c.name}</a> (live)
                </td>
                <td>{c.batchSize ?? '–'}</td>
                <td>{c.ratePerSec === null ? '–' : `${c.ratePerSec.toFixed(1)}/s`}</td>
                <td class="muted">{c.reason}</td>
              </tr>
            ))}
            {metrics.recommendations.launch.map((l) => (
              <tr>
                <td>launch to {l.downstream ?? 'an unmeasured downstream'}</td>
                <td>{l.recommendation.batchSize}</td>
                <td>{l.recommendation.ratePerSec.toFixed(1)}/s</td>
                <td class="muted">{l.recommendation.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="grid">
        <LineChart title="Backlog" unit="jobs" series={[{ label: 'waiting', color: '#2f6fdf', points: points((h) => h.backlog) }]} />
        <LineChart title="Deliveries" unit="/s" series={[{ label: 'sent', color: '#137333', points: points((h) => h.deliveriesPerSec) }]} />
        <LineChart title="Desired workers" unit="" series={[{ label: 'worker', color: '#8a4fd8', points: points((h) => h.desiredWorkers) }]} />
      </section>
      <section class="grid">
        <EventTable title="Scaling history" events={props.scalingEvents} describe={(e) => `${String(e.data.from)} → ${String(e.data.to)}: ${String(e.data.detail ?? e.data.reason ?? '')}`} />
        <EventTable title="Pause events" events={props.pauseEvents} describe={(e) => `${e.action.replace('campaign.', '')} ${e.subjectId.slice(0, 8)} ${typeof e.data.reason === 'string' ? e.data.reason : ''}`} />
      </section>
    </>
  );
}

function EventTable(props: { title: string; events: OpsEvent[]; describe: (e: OpsEvent) => string }) {
  return (
    <div class="card">
      <h2>{props.title}</h2>
      {props.events.length === 0 ? <p class="muted">None yet.</p> : null}
      <table>
        <tbody>
          {props.events.map((e) => (
            <tr>
              <td>{when(e.at)}</td>
              <td>{props.describe(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
