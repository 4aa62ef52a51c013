import type { searchAudit } from '../../audit/store.js';
import { traceHref, when } from '../format.js';
import type { ChainStatus } from './chain-watch.js';

type Entry = Awaited<ReturnType<typeof searchAudit>>['rows'][number];

export interface AuditFilterValues {
  actor?: string;
  action?: string;
  trace?: string;
  from?: string;
  to?: string;
}

const subjectHref = (e: Entry) =>
  e.subject_type === 'campaign' ? `/dashboard/campaigns/${e.subject_id}` : e.subject_type === 'approval' ? `/dashboard/approvals/${e.subject_id}` : null;

/** Whether the hash chain is intact, as last checked. */
export function ChainBadge(props: { status: ChainStatus; csrf: string; canVerify: boolean }) {
  const { verdict, checkedAt, fullCheckAt } = props.status;
  return (
    <section class="card" data-testid="chain-status">
      {verdict === null ? (
        <p>Verifying the audit chain… (this page refreshes itself)</p>
      ) : verdict.ok ? (
        <p class="ok">
          <strong>Chain intact</strong>: entries 1–{verdict.count.toLocaleString('en')} link and hash correctly (checked {when(checkedAt!.toISOString())}
          {fullCheckAt ? `, whole chain ${when(fullCheckAt.toISOString())}` : ''}).
        </p>
      ) : (
        <p class="bad">
          <strong>Chain broken at entry {verdict.brokenAt}</strong>: {verdict.reason}. Entries from there on cannot be trusted (checked {when(checkedAt!.toISOString())}).
        </p>
      )}
      {props.canVerify ? (
        <form method="post" action="/dashboard/audit/verify" style="margin:0">
          <input type="hidden" name="csrf" value={props.csrf} />
          <button type="submit" class="secondary" data-action="verify">
            Verify the whole chain now
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** The audit log, filtered by actor, action, trace and time, newest first. */
export function AuditPage(props: { entries: Entry[]; names: Map<string, string>; filter: AuditFilterValues; actions: string[]; nextHref: string | null; error: string | null }) {
  const f = props.filter;
  return (
    <>
      <form method="get" action="/dashboard/audit" class="card" aria-label="Filter the audit log">
        <div class="grid">
          <label>
            Actor <input type="text" name="actor" value={f.actor ?? ''} placeholder="olivia" />
          </label>
          <label>
            Kind{' '}
            <input type="text" name="action" value={f.action ?? ''} list="audit-actions" placeholder="campaign. or campaign.paused" />
            <datalist id="audit-actions">
              {props.actions.map((a) => (
                <option value={a} />
              ))}
            </datalist>
          </label>
          <label>
            Trace <input type="text" name="trace" value={f.trace ?? ''} />
          </label>
          <label>
            From (UTC) <input type="datetime-local" name="from" value={f.from ?? ''} />
          </label>
          <label>
            To (UTC) <input type="datetime-local" name="to" value={f.to ?? ''} />
          </label>
        </div>
        <div class="actions">
          <button type="submit">Filter</button>
          <a class="button secondary" href="/dashboard/audit">
            Clear
          </a>
        </div>
        {props.error ? <p class="error">{props.error}</p> : null}
      </form>
      {props.entries.length === 0 ? (
        <p class="muted" data-testid="empty-audit">
          No entry matches.
        </p>
      ) : (
        <div class="scroll">
          <table data-testid="audit">
            <thead>
              <tr>
                <th>#</th>
                <th>at</th>
                <th>kind</th>
                <th>actor</th>
                <th>subject</th>
                <th>trace</th>
              </tr>
            </thead>
            <tbody>
              {props.entries.map((e) => (
                <tr>
                  <td>{e.seq === null ? <span class="muted">not linked yet</span> : String(e.seq)}</td>
                  <td>{when(new Date(e.at).toISOString())}</td>
                  <td>{e.action}</td>
                  <td>
                    {e.actor} <span class="muted">({e.channel})</span>
                  </td>
                  <td>
                    {subjectHref(e) ? <a href={subjectHref(e)!}>{props.names.get(e.subject_id) ?? `${e.subject_type} ${e.subject_id.slice(0, 8)}`}</a> : `${e.subject_type} ${e.subject_id}`}
                    {typeof e.data.reason === 'string' ? <div class="muted">{e.data.reason}</div> : null}
                  </td>
                  <td>
                    <a href={traceHref(e.trace_id)}>{e.trace_id.length > 16 ? `${e.trace_id.slice(0, 16)}…` : e.trace_id}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.nextHref ? (
        <p>
          <a href={props.nextHref}>Older entries →</a>
        </p>
      ) : null}
    </>
  );
}
