import type { candidatesView } from '../../beta/program-status.js';
import type { StoredReport } from '../../beta/report-markdown.js';
import { when } from '../format.js';

type Candidates = Awaited<ReturnType<typeof candidatesView>>;

export function BetaLive(props: { candidates: Candidates; report: StoredReport | null; markdown: string | null }) {
  const { candidates, report } = props;
  const p = candidates.program;
  const funnel: [string, number][] = [
    ['candidates', candidates.candidates.length],
    ['invited', p.invited + p.accepted + p.active + p.declined],
    ['accepted', p.accepted + p.active],
    ['active', p.active],
    ['declined', p.declined],
  ];
  const top = Math.max(1, ...funnel.map(([, n]) => n));
  return (
    <>
      <section class="grid">
        <div class="card">
          <h2>Invitation funnel</h2>
          <table data-testid="funnel">
            <tbody>
              {funnel.map(([label, n]) => (
                <tr>
                  <td>{label}</td>
                  <td style="width:60%">
                    <div class="progress">
                      <div class="bar done" style={`width:${((100 * n) / top).toFixed(1)}%`} />
                      <span>{n}</span>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div class="card">
          <h2>Feedback</h2>
          <p>
            {p.feedback.total} items · {p.feedback.bySentiment.positive ?? 0} positive · {p.feedback.bySentiment.neutral ?? 0} neutral ·{' '}
            {p.feedback.bySentiment.negative ?? 0} negative
          </p>
          <p class="muted">
            {Object.entries(p.feedback.byCategory)
              .map(([category, n]) => `${category} ${n}`)
              .join(' · ')}
          </p>
        </div>
      </section>
      <section class="card">
        <h2>Candidates</h2>
        {candidates.screening ? (
          <p class="muted">
            Screened {candidates.screening.tenantsScreened} tenants {when(candidates.screening.screenedAt)}, threshold {candidates.screening.threshold}
          </p>
        ) : (
          <p class="muted">No screening has run yet.</p>
        )}
        <table>
          <thead>
            <tr>
              <th>tenant</th>
              <th>plan</th>
              <th>seats</th>
              <th>score</th>
              <th>breakdown</th>
              <th>status</th>
            </tr>
          </thead>
          <tbody>
            {candidates.candidates.map((c) => (
              <tr data-testid="candidate">
                <td>{c.name}</td>
                <td>{c.plan}</td>
                <td>{c.seats}</td>
                <td>{c.score.toFixed(3)}</td>
                <td class="muted">
                  {Object.entries(c.breakdown as Record<string, number>)
                    .filter(([, v]) => typeof v === 'number')
                    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
                    .join(' · ')}
                </td>
                <td>{c.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {report ? (
        <>
          <section class="card">
            <h2>Themes</h2>
            <table>
              <thead>
                <tr>
                  <th>theme</th>
                  <th>feedback</th>
                  <th>tenants</th>
                  <th>category</th>
                  <th>sentiment</th>
                </tr>
              </thead>
              <tbody>
                {report.themes.map((t) => (
                  <tr data-testid="theme">
                    <td>{t.label}</td>
                    <td>{t.count}</td>
                    <td>{t.tenantCount}</td>
                    <td>{t.dominantCategory}</td>
                    <td>{t.meanScore}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section class="card">
            <h2>
              Sprint: {report.plan.committedPoints} of {report.plan.capacity} points committed
            </h2>
            <ol>
              {report.plan.committed.map((s) => (
                <li data-testid="story">
                  <strong>{s.title}</strong> ({s.points} pts, priority {s.priority.toFixed(2)}) — {s.text}{' '}
                  <span class="muted">evidence: {s.evidence.length} feedback</span>
                </li>
              ))}
            </ol>
            {report.plan.deferred.length > 0 ? <p class="muted">Deferred: {report.plan.deferred.map((d) => d.story.title).join('; ')}</p> : null}
            <details>
              <summary>Markdown report</summary>
              <pre class="payload">{props.markdown}</pre>
            </details>
          </section>
        </>
      ) : (
        <p class="muted">No sprint report yet: the daily feedback analysis has not run.</p>
      )}
    </>
  );
}
