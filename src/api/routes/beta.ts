import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { type Answer, answerInvitation, InvitationAnswerError, recordedAnswer } from '../../beta/answer-invitation.js';
import { latestReport } from '../../beta/feedback-store.js';
import { InvitationsOffError, proposeInvitations, UnknownTenantError } from '../../beta/invitations.js';
import { candidatesView } from '../../beta/program-status.js';
import { renderReportMarkdown, type StoredReport } from '../../beta/report-markdown.js';
import type { Deps } from '../../deps.js';
import { requireRole } from '../auth.js';
import type { AppEnv } from '../env.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { newRouter } from '../router.js';
import { errorResponses, json } from '../schemas.js';
import { batchHook } from './events.js';

const Candidates = z
  .object({
    screening: z.object({ id: z.number(), screenedAt: z.string(), threshold: z.number(), tenantsScreened: z.number(), traceId: z.string() }).nullable(),
    candidates: z.array(
      z.object({
        tenantId: z.string(),
        name: z.string(),
        plan: z.string(),
        seats: z.number(),
        score: z.number(),
        breakdown: z.record(z.string(), z.number()),
        activity: z.record(z.string(), z.unknown()),
        status: z.string().openapi({ description: 'candidate (not invited yet), invited, accepted, declined, active or opted_out' }),
      }),
    ),
    program: z.object({
      invited: z.number(),
      accepted: z.number(),
      declined: z.number(),
      active: z.number(),
      optedOut: z.number(),
      feedback: z.object({ total: z.number(), bySentiment: z.record(z.string(), z.number()), byCategory: z.record(z.string(), z.number()) }),
    }),
  })
  .openapi('BetaCandidates');

const candidates = createRoute({
  method: 'get',
  path: '/beta/candidates',
  tags: ['beta'],
  summary: "The latest screening's Beta candidates with their score breakdown, and the program's status counts",
  middleware: [requireRole('viewer')] as const,
  responses: { 200: json(Candidates, 'candidates and program status'), ...errorResponses },
});

/** Mounted at /api/v1 and at the seed's /api/phase7: one router, two mounts. */
export function betaCandidateRoutes(deps: Deps) {
  return newRouter().openapi(candidates, async (c) => c.json(await candidatesView(deps), 200));
}

const sprintReport = createRoute({
  method: 'get',
  path: '/beta/sprint-report',
  tags: ['beta'],
  summary: 'The latest sprint planning report from feedback: JSON, or Markdown with ?format=markdown or Accept: text/markdown',
  middleware: [requireRole('viewer')] as const,
  request: { query: z.object({ format: z.enum(['json', 'markdown']).optional() }) },
  responses: {
    200: {
      description: 'the report',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()).openapi('SprintReport') }, 'text/markdown': { schema: z.string() } },
    },
    ...errorResponses,
  },
});

const invite = createRoute({
  method: 'post',
  path: '/beta/invitations',
  tags: ['beta'],
  summary: 'Invite tenants to the Beta through the policy: a batch over the size guardrail waits for approval',
  middleware: [requireRole('operator')] as const,
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: z.strictObject({ tenantIds: z.array(z.string().min(1).max(200)).min(1).max(1000) }) } },
    },
  },
  responses: {
    200: json(z.record(z.string(), z.unknown()).openapi('InvitationOutcome'), 'applied, approval requested, or refused'),
    409: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'invitations are not configured'),
    ...errorResponses,
  },
});

/** Program reports and invitations (mounted at /api/v1). */
export function betaRoutes(deps: Deps) {
  return newRouter()
    .openapi(sprintReport, async (c) => {
      const row = await latestReport(deps.db);
      if (!row) throw notFound('no sprint report yet: run the beta-analysis job (POST /api/v1/jobs/beta-analysis)');
      const report = row.report as unknown as StoredReport;
      const wantsMarkdown = c.req.valid('query').format === 'markdown' || (!c.req.valid('query').format && /\btext\/markdown\b/.test(c.req.header('accept') ?? ''));
      if (wantsMarkdown) return c.body(renderReportMarkdown(report), 200, { 'content-type': 'text/markdown; charset=utf-8' });
      return c.json({ id: Number(row.id), ...row.report }, 200);
    })
    .openapi(
      invite,
      async (c) => {
        try {
          const outcome = await proposeInvitations(deps, c.req.valid('json').tenantIds, { proposer: 'operator', requester: c.var.principal.name }, c.var.traceId);
          return c.json(outcome as unknown as Record<string, unknown>, 200);
        } catch (error) {
          if (error instanceof InvitationsOffError) throw new ApiError(409, 'not_configured', error.message);
          if (error instanceof UnknownTenantError) throw badRequest(`tenantIds[${error.index}]: ${error.message}`, `tenantIds[${error.index}]`);
          throw error;
        }
      },
      batchHook,
    );
}

const STATUS_OF: Record<InvitationAnswerError['reason'], { status: 400 | 403 | 404 | 409 | 410; code: string }> = {
  malformed: { status: 400, code: 'invalid_token' },
  bad_signature: { status: 403, code: 'invalid_token' },
  expired: { status: 410, code: 'expired' },
  not_invited: { status: 404, code: 'not_found' },
  opted_out: { status: 409, code: 'opted_out' },
  already_answered: { status: 409, code: 'already_answered' },
};

const Token = z.object({ token: z.string().min(1).max(2000), answer: z.enum(['accept', 'decline']) });

const answerPage = createRoute({
  method: 'get',
  path: '/beta/invitations/{token}/{answer}',
  tags: ['beta'],
  summary: 'The page an invitation link opens: it asks to confirm, so a link preview or mail scanner changes nothing',
  request: { params: Token },
  responses: { 200: { description: 'confirmation page', content: { 'text/html': { schema: z.string() } } }, ...errorResponses },
});
const answerPost = createRoute({
  method: 'post',
  path: '/beta/invitations/{token}/{answer}',
  tags: ['beta'],
  summary: 'Accept or decline a Beta invitation; the signed link token is the credential',
  request: { params: Token },
  responses: {
    200: {
      description: 'the participant status now (a confirmation page when the link’s form was submitted)',
      content: {
        'application/json': { schema: z.object({ tenantId: z.string(), status: z.string(), changed: z.boolean() }).openapi('InvitationAnswer') },
        'text/html': { schema: z.string() },
      },
    },
    409: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'opted out'),
    410: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'the link has expired'),
    ...errorResponses,
  },
});

const answerText = (status: string) =>
  status === 'declined' ? 'You declined the Beta invitation. Thank you for letting us know.' : 'Welcome to the Beta: your answer is recorded.';

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

/**
 * Public routes of the invitation links (no login: the signed token is the
 * credential). GET only shows a confirmation form; the answer is a POST.
 */
export function betaInvitationRoutes(deps: Deps) {
  const toApiError = (error: unknown): never => {
    if (error instanceof InvitationAnswerError) {
      const { status, code } = STATUS_OF[error.reason];
      throw new ApiError(status, code, error.message);
    }
    throw error;
  };
  const isForm = (c: Context<AppEnv>) => (c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded');
  return newRouter()
    .openapi(answerPage, async (c) => {
      const { token, answer } = c.req.valid('param');
      const recorded = await recordedAnswer(deps, token).catch(toApiError);
      if (recorded) return c.html(page('Your answer is recorded', `<p>${escape(answerText(recorded))}</p>`), 200);
      const verb = answer === 'accept' ? 'Join' : 'Decline';
      const action = `/beta/invitations/${encodeURIComponent(token)}/${answer}`;
      return c.html(
        page(`${verb} the Flywheel Beta`, `<form method="post" action="${escape(action)}"><button type="submit">${verb} the Beta</button></form>`),
        200,
      );
    })
    .openapi(answerPost, async (c) => {
      const { token, answer } = c.req.valid('param');
      const result = await answerInvitation(deps, token, answer as Answer).catch(async (error: unknown) => {
        // The form gets the recorded answer as a page; an API caller the 409.
        if (isForm(c) && error instanceof InvitationAnswerError && error.reason === 'already_answered') return null;
        return toApiError(error);
      });
      if (!result) return c.html(page('Your answer is recorded', `<p>${escape(answerText((await recordedAnswer(deps, token))!))}</p>`), 409);
      if (isForm(c)) return c.html(page('Thank you', `<p>${escape(answerText(result.status))}</p>`), 200);
      return c.json(result, 200);
    });
}
