import type { ApprovalView } from '../approvals/view.js';
import { ACTION_KINDS } from '../policy/action-kinds.js';
import { ApprovalsFrame, Badge, Channels, Pager } from './approval-parts.js';
import { timeLeft, when } from './format.js';

export const HISTORY_STATUSES = ['approved', 'rejected', 'expired', 'cancelled', 'pending'] as const;

export interface HistoryFilters {
  status?: (typeof HISTORY_STATUSES)[number];
  kind?: string;
  actor?: string;
  /** Dates as typed, YYYY-MM-DD (UTC days). */
  from?: string;
  to?: string;
}

interface ListProps {
  user: string;
  items: ApprovalView[];
  hasMore: boolean;
  offset: number;
  limit: number;
  now: Date;
}

const detailHref = (id: string) => `/dashboard/approvals/${id}`;

export function PendingPage(props: ListProps) {
  return (
    <ApprovalsFrame title="Pending approvals" user={props.user} tab="pending">
      <h1>Pending approvals</h1>
      {props.items.length === 0 ? (
        <p class="muted">Nothing is waiting for a decision.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Time left</th>
              <th>Priority</th>
              <th>Kind</th>
              <th>Summary</th>
              <th>Requester</th>
              <th>Channels</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((a) => (
              <tr data-id={a.id}>
                <td title={when(a.expiresAt)}>{timeLeft(a.expiresAt, props.now)}</td>
                <td>
                  <Badge value={a.priority} />
                </td>
                <td>{a.kind}</td>
                <td>
                  <a href={detailHref(a.id)}>{a.summary}</a>
                </td>
                <td>{a.requester}</td>
                <td>
                  <Channels channels={a.channels} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager path="/dashboard/approvals" query={new URLSearchParams()} offset={props.offset} limit={props.limit} hasMore={props.hasMore} />
    </ApprovalsFrame>
  );
}

function FilterForm(props: { filters: HistoryFilters }) {
  const f = props.filters;
  return (
    <form class="filters card" method="get" action="/dashboard/approvals/history">
      <label>
        Status
        <select name="status">
          <option value="">any decided</option>
          {HISTORY_STATUSES.map((s) => (
            <option value={s} selected={f.status === s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Kind
        <select name="kind">
          <option value="">any</option>
          {ACTION_KINDS.map((k) => (
            <option value={k} selected={f.kind === k}>{k}</option>
          ))}
        </select>
      </label>
      <label>
        From (UTC)
        <input type="date" name="from" value={f.from ?? ''} />
      </label>
      <label>
        To (UTC, inclusive)
        <input type="date" name="to" value={f.to ?? ''} />
      </label>
      <label>
        Actor
        <input type="text" name="actor" value={f.actor ?? ''} placeholder="requester or decider" maxlength={128} />
      </label>
      <button type="submit">Filter</button>
      <a href="/dashboard/approvals/history">Clear</a>
    </form>
  );
}

export function HistoryPage(props: ListProps & { filters: HistoryFilters }) {
  const query = new URLSearchParams(Object.entries(props.filters).filter((e): e is [string, string] => Boolean(e[1])));
  return (
    <ApprovalsFrame title="Approval history" user={props.user} tab="history">
      <h1>Approval history</h1>
      <FilterForm filters={props.filters} />
      {props.items.length === 0 ? (
        <p class="muted">No requests match these filters.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Created</th>
              <th>Status</th>
              <th>Priority</th>
              <th>Kind</th>
              <th>Summary</th>
              <th>Requester</th>
              <th>Resolution</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((a) => (
              <tr data-id={a.id}>
                <td>{when(a.createdAt)}</td>
                <td>
                  <Badge value={a.status} />
                </td>
                <td>{a.priority}</td>
                <td>{a.kind}</td>
                <td>
                  <a href={detailHref(a.id)}>{a.summary}</a>
                </td>
                <td>{a.requester}</td>
                <td>{a.resolution ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager path="/dashboard/approvals/history" query={query} offset={props.offset} limit={props.limit} hasMore={props.hasMore} />
    </ApprovalsFrame>
  );
}
