import { durationMs, when } from '../format.js';
import type { TraceItem } from './trace-data.js';

const PLURALS: Record<TraceItem['kind'], string> = {
  audit: 'audit entries',
  approval: 'approval requests',
  decision: 'decisions',
  job: 'job runs',
  batch: 'delivery jobs',
  pause: 'pauses/resumes',
};

const KIND_LABELS: Record<TraceItem['kind'], string> = {
  audit: 'audit',
  approval: 'approval',
  decision: 'decision',
  job: 'job run',
  batch: 'delivery job',
  pause: 'pause/resume',
};

/** The n8n-style executions view of one workflow: every step in time order, with durations and links. */
export function TracePage(props: { traceId: string; items: TraceItem[]; campaigns: { id: string; name: string }[] }) {
  if (props.items.length === 0) {
    return (
      <section class="card" data-testid="empty-trace">
        <p>Nothing is recorded under this trace id. Trace ids are shown on campaigns, approval requests and audit entries.</p>
        <p>
          <a href="/dashboard/audit">Search the audit log</a>
        </p>
      </section>
    );
  }
  const t0 = props.items[0]!.at;
  const counts = Object.entries(
    props.items.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.kind]: (acc[i.kind] ?? 0) + 1 }), {}),
  );
  return (
    <>
      <section class="card">
        <p>
          Started {when(new Date(t0).toISOString())} · {counts.map(([k, n]) => `${n} ${n === 1 ? KIND_LABELS[k as TraceItem['kind']] : PLURALS[k as TraceItem['kind']]}`).join(' · ')}
        </p>
        {props.campaigns.length ? (
          <p>
            Campaign{props.campaigns.length > 1 ? 's' : ''}:{' '}
            {props.campaigns.map((c) => (
              <a href={`/dashboard/campaigns/${c.id}`}>{c.name} </a>
            ))}
          </p>
        ) : null}
      </section>
      <div class="scroll">
        <table class="timeline" data-testid="timeline">
          <thead>
            <tr>
              <th>at</th>
              <th>+</th>
              <th>what</th>
              <th>who</th>
              <th>status</th>
              <th>took</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.items.map((i) => (
              <tr data-kind={i.kind}>
                <td>{new Date(i.at).toISOString().slice(11, 23)}</td>
                <td class="muted">{durationMs(i.at - t0)}</td>
                <td>
                  <span class="badge">{KIND_LABELS[i.kind]}</span> {i.href ? <a href={i.href}>{i.title}</a> : i.title}
                  {i.detail ? <div class="muted">{i.detail}</div> : null}
                </td>
                <td>{i.actor ?? ''}</td>
                <td>{i.status ?? ''}</td>
                <td>{i.endAt === null ? (i.kind === 'job' || i.kind === 'approval' ? 'not finished' : '') : durationMs(i.endAt - i.at)}</td>
                <td>{i.boardHref ? <a href={i.boardHref}>Bull Board</a> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
