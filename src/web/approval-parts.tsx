import type { Child } from 'hono/jsx';
import type { ApprovalView } from '../approvals/view.js';
import { Layout } from './layout.js';
import { channelSummary } from './format.js';

const STYLE = `
nav.tabs{display:flex;gap:1rem;margin-bottom:1rem}nav.tabs a{color:#1d2330}nav.tabs a[aria-current]{font-weight:600;text-decoration:none}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:999px;font-size:.85em;background:#e3e6ea}
.badge.approved{background:#d7f2df;color:#11592a}.badge.rejected,.badge.expired,.badge.cancelled{background:#fbe0e3;color:#8a1020}
.badge.pending,.badge.waiting{background:#fff1cc;color:#6b4c00}.badge.high,.badge.critical{background:#fbe0e3;color:#8a1020}
.flash{padding:.6rem .8rem;border-radius:6px;margin-bottom:1rem;background:#d7f2df}.flash.warn{background:#fff1cc}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}dt{color:#6b7385}dd{margin:0}
pre.payload{background:#f6f7f9;padding:.8rem;border-radius:4px;white-space:pre-wrap;margin:0}
form.filters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end}form.filters label{display:flex;flex-direction:column;font-size:.9em}
.decide{display:flex;gap:1rem;flex-wrap:wrap}.decide form{flex:1;min-width:260px}.decide input[type=text]{width:100%;box-sizing:border-box}
`;

export type Tab = 'pending' | 'history';

/** The dashboard frame around every approvals page. */
export function ApprovalsFrame(props: { title: string; user: string; tab?: Tab; children?: Child }) {
  return (
    <Layout title={props.title} user={props.user}>
      <style>{STYLE}</style>
      <nav class="tabs" aria-label="Approvals">
        <a href="/dashboard/approvals" aria-current={props.tab === 'pending' ? 'page' : undefined}>Pending</a>
        <a href="/dashboard/approvals/history" aria-current={props.tab === 'history' ? 'page' : undefined}>History</a>
      </nav>
      {props.children}
    </Layout>
  );
}

export const Badge = (props: { value: string }) => <span class={`badge ${props.value}`}>{props.value}</span>;

export function Channels(props: { channels: ApprovalView['channels'] }) {
  const entries = channelSummary(props.channels);
  if (entries.length === 0) return <span class="muted">none</span>;
  return (
    <>
      {entries.map(({ channel, state }) => (
        <span style="margin-right:.5rem">
          {channel}: <Badge value={state} />
        </span>
      ))}
    </>
  );
}

/** Links to the previous and next page, keeping every other query parameter. */
export function Pager(props: { path: string; query: URLSearchParams; offset: number; limit: number; hasMore: boolean }) {
  const link = (offset: number) => {
    const q = new URLSearchParams(props.query);
    if (offset > 0) q.set('offset', String(offset));
    else q.delete('offset');
    const text = q.toString();
    return text ? `${props.path}?${text}` : props.path;
  };
  if (props.offset === 0 && !props.hasMore) return null;
  return (
    <p class="pager">
      {props.offset > 0 ? <a href={link(Math.max(0, props.offset - props.limit))} rel="prev">← Newer</a> : null}{' '}
      {props.hasMore ? <a href={link(props.offset + props.limit)} rel="next">Older →</a> : null}
    </p>
  );
}

export function ErrorPage(props: { status: number; message: string; user?: string }) {
  const title = props.status === 400 ? 'Bad request' : props.status === 401 ? 'Not logged in' : props.status === 403 ? 'Not allowed' : props.status === 404 ? 'Not found' : 'Something went wrong';
  return (
    <Layout title={title} user={props.user}>
      <div class="card">
        <h1>{title}</h1>
        <p class="error" role="alert">{props.message}</p>
        <p><a href="/dashboard/approvals">Back to pending approvals</a></p>
      </div>
    </Layout>
  );
}
