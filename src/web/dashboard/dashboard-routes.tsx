import { type Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { type AuthOptions, authenticate, requireRole } from '../../api/auth.js';
import type { AppEnv } from '../../api/env.js';
import { ApiError } from '../../api/errors.js';
import { hasRole } from '../../api/tokens.js';
import { approvalList } from '../../approvals/read.js';
import { auditEntries } from '../../audit/store.js';
import { cancelCampaign, pauseCampaign } from '../../campaigns/control.js';
import { operatorResume } from '../../campaigns/operator-resume.js';
import { campaignProgress, campaignView } from '../../campaigns/progress.js';
import { getCampaign } from '../../campaigns/store.js';
import type { Deps } from '../../deps.js';
import { opsMetrics } from '../../ops/ops-metrics.js';
import { systemStatus } from '../../status/status.js';
import { candidatesView } from '../../beta/program-status.js';
import { latestReport } from '../../beta/feedback-store.js';
import { renderReportMarkdown, type StoredReport } from '../../beta/report-markdown.js';
import { growthMetrics } from '../../growth/metrics.js';
import { formCsrfToken, verifyFormCsrf } from '../form-csrf.js';
import { Layout } from '../layout.js';
import { campaignCards } from './campaign-cards.js';
import { campaignSeries } from './campaign-charts.js';
import { CampaignDetailLive, CampaignFacts, CampaignListLive } from './campaign-pages.js';
import { BetaLive } from './beta-page.js';
import { GrowthLive } from './growth-page.js';
import { OpsLive } from './ops-page.js';
import { OverviewLive } from './overview-page.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CHART_WINDOW_MS = 10 * 60_000;
const ACTIVE = ['running', 'paused', 'scheduled', 'pending_approval'] as const;

/** About 30 points over whatever span the samples cover, from 200 ms to 10 s per point. */
const bucketFor = (samples: readonly { at: number }[]) =>
  samples.length < 2 ? 1000 : Math.min(10_000, Math.max(200, Math.ceil((samples.at(-1)!.at - samples[0]!.at) / 30)));

/**
 * A page whose `live` part the layout's script re-fetches in place: the same URL
 * with `x-fragment: live` answers that part alone.
 */
export function livePage(c: Context<AppEnv>, title: string, live: Child, head?: Child) {
  if (c.req.header('x-fragment') === 'live') return c.html(<>{live}</>);
  return c.html(
    <Layout title={title} user={c.var.principal.name}>
      <h1>{title}</h1>
      {head}
      <div id="live" data-live="3000">
        {live}
      </div>
    </Layout>,
  );
}

async function campaignOr404(deps: Deps, id: string) {
  const campaign = UUID.test(id) ? await getCampaign(deps.db, id.toLowerCase()) : undefined;
  if (!campaign) throw new ApiError(404, 'not_found', 'There is no campaign with this id.');
  return campaign;
}

/** Overview, campaigns, Ops, Growth and Beta pages of the console dashboard (approvals have their own). */
export function dashboardRoutes(deps: Deps, auth: AuthOptions) {
  const control = async (c: Context<AppEnv>, act: (id: string, actor: string) => Promise<unknown>) => {
    if (!verifyFormCsrf(c, auth.sessionSecret, (await c.req.parseBody()).csrf)) {
      throw new ApiError(403, 'forbidden', 'This form has expired or did not come from this dashboard. Reload the page and try again.');
    }
    const campaign = await campaignOr404(deps, c.req.param('id') ?? '');
    await act(campaign.id, c.var.principal.name);
    return c.redirect(`/dashboard/campaigns/${campaign.id}`, 303);
  };
  return new Hono<AppEnv>()
    .use('/dashboard/*', authenticate({ ...auth, onMissing: 'redirect' }))
    .get('/dashboard/overview', async (c) => {
      const [status, pending, campaigns] = await Promise.all([
        systemStatus(deps),
        approvalList(deps, { status: ['pending'], limit: 50, offset: 0 }),
        campaignCards(deps, { status: [...ACTIVE], limit: 20 }),
      ]);
      return livePage(c, 'Overview', <OverviewLive status={status} pending={pending.items} morePending={pending.hasMore} campaigns={campaigns} />);
    })
    .get('/dashboard/campaigns', async (c) => livePage(c, 'Campaigns', <CampaignListLive campaigns={await campaignCards(deps, { limit: 100 })} />))
    .get('/dashboard/campaigns/:id', async (c) => {
      const row = await campaignOr404(deps, c.req.param('id'));
      const now = deps.clock.now().getTime();
      const end = row.finished_at ? new Date(row.finished_at).getTime() : now;
      const samples = (await deps.runtime.readSamples(row.id, end - CHART_WINDOW_MS)).filter((s) => s.at <= end);
      const events = await auditEntries(deps.db, { subjectId: row.id, limit: 50, offset: 0 });
      const view = campaignView(row);
      const live = (
        <CampaignDetailLive
          campaign={view}
          progress={await campaignProgress(deps.db, row.id, deps.clock.now())}
          limits={await deps.runtime.limits(row.id)}
          charts={campaignSeries(samples, bucketFor(samples))}
          events={events.map((e) => ({ at: new Date(e.at).toISOString(), action: e.action, actor: e.actor, data: e.data }))}
          canControl={hasRole(c.var.principal.roles, ['operator'])}
          csrf={formCsrfToken(c, auth.sessionSecret)}
        />
      );
      return livePage(c, view.name, live, <CampaignFacts campaign={view} />);
    })
    .post('/dashboard/campaigns/:id/pause', requireRole('operator'), (c) =>
      control(c, (id, actor) => pauseCampaign(deps, id, `paused by ${actor} on the dashboard`, actor, c.var.traceId)),
    )
    .post('/dashboard/campaigns/:id/resume', requireRole('operator'), (c) =>
      control(c, async (id, actor) => operatorResume(deps, (await getCampaign(deps.db, id))!, actor, c.var.traceId)),
    )
    .post('/dashboard/campaigns/:id/cancel', requireRole('operator'), (c) => control(c, (id, actor) => cancelCampaign(deps, id, actor, c.var.traceId)))
    .get('/dashboard/ops', async (c) => {
      const [metrics, scaling, pauses] = await Promise.all([
        opsMetrics(deps, 120),
        auditEntries(deps.db, { actions: ['scaling.recommended'], limit: 20, offset: 0 }),
        auditEntries(deps.db, { actions: ['campaign.paused', 'campaign.resumed'], limit: 20, offset: 0 }),
      ]);
      const events = (rows: typeof scaling) => rows.map((e) => ({ at: new Date(e.at).toISOString(), action: e.action, subjectId: e.subject_id, data: e.data }));
      return livePage(c, 'Ops', <OpsLive metrics={metrics} scalingEvents={events(scaling)} pauseEvents={events(pauses)} />);
    })
    .get('/dashboard/growth', async (c) => livePage(c, 'Growth', <GrowthLive experiments={(await growthMetrics(deps.db, deps.clock.now())).experiments} />))
    .get('/dashboard/beta', async (c) => {
      const [candidates, row] = await Promise.all([candidatesView(deps), latestReport(deps.db)]);
      const report = row ? (row.report as unknown as StoredReport) : null;
      return livePage(c, 'Beta program', <BetaLive candidates={candidates} report={report} markdown={report ? renderReportMarkdown(report) : null} />);
    });
}
