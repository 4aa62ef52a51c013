import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { type AuthOptions, authenticate, requireRole } from '../api/auth.js';
import type { AppEnv } from '../api/env.js';
import { ApiError } from '../api/errors.js';
import { hasRole } from '../api/tokens.js';
import { ApprovalNotFoundError } from '../approvals/errors.js';
import { approvalDetail, approvalList } from '../approvals/read.js';
import { recordDecision } from '../approvals/record-decision.js';
import type { Deps } from '../deps.js';
import { DetailPage } from './approval-detail.js';
import { HISTORY_STATUSES, HistoryPage, PendingPage } from './approval-lists.js';
import { ErrorPage } from './approval-parts.js';
import { formCsrfToken, verifyFormCsrf } from './form-csrf.js';
import { flashMessage } from './format.js';

const PAGE_SIZE = 25;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A calendar day as typed in a date input, checked to exist (no 2025-02-30). */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'no such date');

const offset = z.coerce.number().int().min(0).max(1_000_000).default(0);

const HistoryQuery = z.object({
  status: z.enum(HISTORY_STATUSES).optional(),
  kind: z.string().max(64).optional(),
  actor: z.string().max(128).optional(),
  from: day.optional(),
  to: day.optional(),
  offset,
});

const DecisionForm = z
  .object({
    decision: z.enum(['approve', 'reject'], 'decision must be approve or reject'),
    reason: z.string().trim().max(1000, 'a reason is at most 1000 characters').default(''),
    payloadHash: z.string().regex(/^[0-9a-f]{64}$/, 'the form lacks the payload hash it was shown with'),
  })
  .refine((f) => f.decision === 'approve' || f.reason !== '', { message: 'a rejection needs a reason', path: ['reason'] });

/** The query without empty fields: a submitted filter form sends every field, blank or not. */
const filled = (query: Record<string, string>) => Object.fromEntries(Object.entries(query).filter(([, v]) => v.trim() !== ''));

const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : 'invalid input';
};

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000);

function validId(id: string): string {
  if (!UUID.test(id)) throw new ApiError(400, 'invalid_request', `"${id}" is not an approval id`);
  return id.toLowerCase();
}

/**
 * The approvals pages of the console dashboard: pending list, history and
 * detail, and the console channel's decision form. People without a session
 * are sent to /login; the decision form is bound to the session by a CSRF
 * token and to the payload shown by its hash.
 */
export function approvalPages(deps: Deps, auth: AuthOptions) {
  const user = (c: Context<AppEnv>) => c.var.principal.name;
  return new Hono<AppEnv>()
    .use('/dashboard/*', authenticate({ ...auth, onMissing: 'redirect' }))
    .get('/dashboard', (c) => c.redirect('/dashboard/overview', 302))
    .get('/dashboard/approvals', async (c) => {
      const parsed = z.object({ offset }).safeParse(filled(c.req.query()));
      if (!parsed.success) throw new ApiError(400, 'invalid_request', firstIssue(parsed.error));
      const page = await approvalList(deps, { status: ['pending'], limit: PAGE_SIZE, offset: parsed.data.offset });
      return c.html(<PendingPage user={user(c)} {...page} offset={parsed.data.offset} limit={PAGE_SIZE} now={deps.clock.now()} />);
    })
    .get('/dashboard/approvals/history', async (c) => {
      const parsed = HistoryQuery.safeParse(filled(c.req.query()));
      if (!parsed.success) throw new ApiError(400, 'invalid_request', firstIssue(parsed.error));
      const { offset: at, ...filters } = parsed.data;
      const page = await approvalList(deps, {
        status: filters.status ? [filters.status] : HISTORY_STATUSES.filter((s) => s !== 'pending'),
        kind: filters.kind,
        actor: filters.actor,
        from: filters.from ? new Date(`${filters.from}T00:00:00Z`) : undefined,
        to: filters.to ? nextDay(filters.to) : undefined,
        limit: PAGE_SIZE,
        offset: at,
      });
      return c.html(<HistoryPage user={user(c)} {...page} filters={filters} offset={at} limit={PAGE_SIZE} now={deps.clock.now()} />);
    })
    .get('/dashboard/approvals/:id', async (c) => {
      const request = await approvalDetail(deps, validId(c.req.param('id')));
      const principal = c.var.principal;
      return c.html(
        <DetailPage
          user={principal.name}
          request={request}
          now={deps.clock.now()}
          canDecide={hasRole(principal.roles, ['approver'])}
          csrf={formCsrfToken(c)}
          flash={flashMessage(c.req.query(), request)}
        />,
      );
    })
    // A session that lapsed on a form post comes back from /login here, as a GET.
    .get('/dashboard/approvals/:id/decision', (c) => c.redirect(`/dashboard/approvals/${validId(c.req.param('id'))}`, 303))
    .post('/dashboard/approvals/:id/decision', requireRole('approver'), async (c) => {
      const form = await c.req.parseBody();
      if (!verifyFormCsrf(c, form.csrf)) {
        c.var.logger.warn({ by: c.var.principal.name }, 'dashboard decision refused: bad CSRF token');
        throw new ApiError(403, 'forbidden', 'This form has expired or did not come from this dashboard. Reload the page and try again.');
      }
      const id = validId(c.req.param('id'));
      const parsed = DecisionForm.safeParse(form);
      if (!parsed.success) throw new ApiError(400, 'invalid_request', firstIssue(parsed.error));
      const principal = c.var.principal;
      const { decision, reason, payloadHash } = parsed.data;
      const outcome = await recordDecision(deps, id, { channel: 'console', actor: principal.name, actorPerson: principal.person, actorRoles: principal.roles, decision, reason, payloadHash });
      c.var.logger.info({ approval: id, result: outcome.result, by: principal.name }, 'approval decision (dashboard)');
      const flash = new URLSearchParams({ result: outcome.result, decision });
      if (outcome.refusal) flash.set('refusal', outcome.refusal);
      return c.redirect(`/dashboard/approvals/${id}?${flash}`, 303);
    })
    .onError((error, c) => {
      const name = c.get('principal')?.name;
      if (error instanceof ApprovalNotFoundError) return c.html(<ErrorPage status={404} message="There is no approval request with this id." user={name} />, 404);
      if (error instanceof ApiError) return c.html(<ErrorPage status={error.status} message={error.message} user={name} />, error.status);
      c.var.logger?.error({ err: error }, 'dashboard page failed');
      return c.html(<ErrorPage status={500} message="Internal error; it has been logged." user={name} />, 500);
    });
}
