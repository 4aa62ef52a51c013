import type { listRuns } from '../../jobs/runs-store.js';
import { durationMs, traceHref, when } from '../format.js';
import { boardJobHref } from './trace-data.js';

type Run = Awaited<ReturnType<typeof listRuns>>['rows'][number];

/** Agent job runs, newest first: outcome, duration, the trace, and the job in Bull Board. */
export function RunsPage(props: { runs: Run[]; queues: string[]; filter: { queue?: string; status?: string }; nextHref: string | null; now: Date }) {
  return (
    <>
      <form method="get" action="/dashboard/runs" class="actions" aria-label="Filter runs">
        <label>
          Queue{' '}
          <select name="queue">
            <option value="">all</option>
            {props.queues.map((q) => (
              <option value={q} selected={props.filter.queue === q}>
                {q}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome{' '}
          <select name="status">
            <option value="">any</option>
            {['completed', 'failed', 'running'].map((s) => (
              <option value={s} selected={props.filter.status === s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      {props.runs.length === 0 ? (
        <section class="card" data-testid="empty-runs">
          <p>No run recorded{props.filter.queue || props.filter.status ? ' for this filter' : ' yet'}. Agent jobs (ops monitor, growth analysis, Beta screening, approval expiry…) run on their schedules; each run is listed here.</p>
        </section>
      ) : (
        <div class="scroll">
          <table data-testid="runs">
            <thead>
              <tr>
                <th>started</th>
                <th>job</th>
                <th>outcome</th>
                <th>took</th>
                <th>worker</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {props.runs.map((r) => {
                const started = new Date(r.started_at);
                const took = r.finished_at ? new Date(r.finished_at).getTime() - started.getTime() : null;
                return (
                  <tr data-status={r.status}>
                    <td>{when(started.toISOString())}</td>
                    <td>
                      {r.queue} <span class="muted">{r.job_name}</span>
                      {r.attempt > 1 ? <span class="muted"> (attempt {r.attempt})</span> : null}
                    </td>
                    <td class={r.status === 'failed' ? 'bad' : r.status === 'completed' ? 'ok' : 'warn'}>
                      {r.status}
                      {r.error ? <div class="muted">{r.error}</div> : null}
                    </td>
                    <td>{took === null ? `running for ${durationMs(props.now.getTime() - started.getTime())}` : durationMs(took)}</td>
                    <td class="muted">{r.worker}</td>
                    <td>
                      <a href={traceHref(r.trace_id)}>trace</a> · <a href={boardJobHref(r.queue, r.job_id)}>Bull Board</a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {props.nextHref ? (
        <p>
          <a href={props.nextHref}>Older runs →</a>
        </p>
      ) : null}
    </>
  );
}
