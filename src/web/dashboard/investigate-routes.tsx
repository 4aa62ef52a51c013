import { Hono } from 'hono';
import { type AuthOptions, requireRole } from '../../api/auth.js';
import type { AppEnv } from '../../api/env.js';
import { ApiError } from '../../api/errors.js';
import { hasRole } from '../../api/tokens.js';
import { auditActions, searchAudit } from '../../audit/store.js';
import { campaignNames } from '../../campaigns/store.js';
import type { Deps } from '../../deps.js';
import { listRuns } from '../../jobs/runs-store.js';
import { QUEUE_DEFINITIONS } from '../../../queues/registry.js';
import { formCsrfToken, verifyFormCsrf } from '../form-csrf.js';
import { type AuditFilterValues, AuditPage, ChainBadge } from './audit-page.js';
import { ChainWatch } from './chain-watch.js';
import { livePage } from './live-page.js';
import { RunsPage } from './runs-page.js';
import { traceTimeline } from './trace-data.js';
import { TracePage } from './trace-page.js';

const TRACE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PAGE = 100;
/** Queues whose runs are recorded: the agents' jobs. */
const RECORDED = QUEUE_DEFINITIONS.filter((q) => q.recordRuns).map((q) => q.name);

/** A `datetime-local` value (or ISO time) as a Date, read as UTC; undefined when blank, null when not a time. */
function timeParam(value: string | undefined): Date | undefined | null {
  if (!value?.trim()) return undefined;
  const v = value.trim();
  const date = new Date(/Z|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

const query = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return q.toString();
};

/** Investigating what happened: one trace's timeline, the agents' job runs, and the audit log. */
export function investigateRoutes(deps: Deps, auth: AuthOptions) {
  const chain = new ChainWatch(deps.db, deps.clock);
  return new Hono<AppEnv>()
    .get('/dashboard/traces/:traceId', async (c) => {
      const traceId = c.req.param('traceId');
      if (!TRACE_ID.test(traceId)) throw new ApiError(400, 'invalid_request', 'A trace id is 1–128 letters, digits and . _ : -', 'traceId');
      const { items, campaigns } = await traceTimeline(deps, traceId);
      return livePage(c, `Trace ${traceId}`, <TracePage traceId={traceId} items={items} campaigns={campaigns} />);
    })
    .get('/dashboard/runs', async (c) => {
      const queue = c.req.query('queue') || undefined;
      const status = c.req.query('status') || undefined;
      if (queue && !RECORDED.includes(queue)) throw new ApiError(400, 'invalid_request', `queue must be one of ${RECORDED.join(', ')}`, 'queue');
      if (status && !['running', 'completed', 'failed'].includes(status)) throw new ApiError(400, 'invalid_request', 'status must be running, completed or failed', 'status');
      const before = c.req.query('before');
      if (before && !/^\d{1,18}$/.test(before)) throw new ApiError(400, 'invalid_request', 'before must be a run id', 'before');
      const { rows, hasMore } = await listRuns(deps.db, { queues: queue ? [queue] : undefined, status: status as 'running' | undefined, beforeId: before, limit: PAGE });
      const nextHref = hasMore ? `/dashboard/runs?${query({ queue, status, before: String(rows.at(-1)!.id) })}` : null;
      return livePage(c, 'Runs', <RunsPage runs={rows} queues={RECORDED} filter={{ queue, status }} nextHref={nextHref} now={deps.clock.now()} />);
    })
    .get('/dashboard/audit', async (c) => {
      const filter: AuditFilterValues = { actor: c.req.query('actor') || undefined, action: c.req.query('action') || undefined, trace: c.req.query('trace') || undefined, from: c.req.query('from') || undefined, to: c.req.query('to') || undefined };
      const from = timeParam(filter.from);
      const to = timeParam(filter.to);
      const before = c.req.query('before');
      const error = from === null ? 'From is not a time.' : to === null ? 'To is not a time.' : before && !/^\d{1,15}$/.test(before) ? 'before must be an entry number' : null;
      const { rows, hasMore } = error
        ? { rows: [], hasMore: false }
        : await searchAudit(deps.db, { actor: filter.actor, action: filter.action, traceId: filter.trace, from: from ?? undefined, to: to ?? undefined, beforeSeq: before ? Number(before) : undefined, limit: PAGE });
      const [actions, names] = await Promise.all([auditActions(deps.db), campaignNames(deps.db, [...new Set(rows.filter((r) => r.subject_type === 'campaign').map((r) => r.subject_id))])]);
      const nextHref = hasMore ? `/dashboard/audit?${query({ ...filter, before: String(rows.at(-1)!.seq) })}` : null;
      const badge = <ChainBadge status={chain.status()} csrf={formCsrfToken(c)} canVerify={hasRole(c.var.principal.roles, ['operator'])} />;
      return livePage(
        c,
        'Audit log',
        <>
          {badge}
          <AuditPage entries={rows} names={names} filter={filter} actions={actions} nextHref={nextHref} error={error} />
        </>,
      );
    })
    .post('/dashboard/audit/verify', requireRole('operator'), async (c) => {
      if (!verifyFormCsrf(c, (await c.req.parseBody()).csrf)) {
        throw new ApiError(403, 'forbidden', 'This form has expired or did not come from this dashboard. Reload the page and try again.');
      }
      await chain.refresh(true);
      return c.redirect('/dashboard/audit', 303);
    });
}
