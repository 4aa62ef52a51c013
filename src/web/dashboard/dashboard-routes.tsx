import { Hono } from 'hono';
import { type AuthOptions, authenticate } from '../../api/auth.js';
import type { AppEnv } from '../../api/env.js';
import { approvalList } from '../../approvals/read.js';
import { auditEntries } from '../../audit/store.js';
import { campaignNames } from '../../campaigns/store.js';
import type { Deps } from '../../deps.js';
import type { CampaignControl } from '../../ops/control-state.js';
import { opsMetrics } from '../../ops/ops-metrics.js';
import { systemStatus } from '../../status/status.js';
import { candidatesView } from '../../beta/program-status.js';
import { latestReport } from '../../beta/feedback-store.js';
import { renderReportMarkdown, type StoredReport } from '../../beta/report-markdown.js';
import { growthMetrics } from '../../growth/metrics.js';
import { impactReport } from '../../impact/impact.js';
import { campaignCards } from './campaign-cards.js';
import { campaignFormRoutes } from './campaign-form-routes.js';
import { campaignRoutes } from './campaign-routes.js';
import { experimentFormRoutes } from './experiment-form-routes.js';
import { investigateRoutes } from './investigate-routes.js';
import { BetaLive } from './beta-page.js';
import { GrowthLive } from './growth-page.js';
import { livePage } from './live-page.js';
import { ImpactPage, PERIODS } from './impact-page.js';
import { OpsLive } from './ops-page.js';
import { OverviewLive } from './overview-page.js';

const ACTIVE = ['running', 'paused', 'scheduled', 'pending_approval'] as const;

/** Overview, campaigns, Ops, Growth and Beta pages of the console dashboard (approvals have their own). */
export function dashboardRoutes(deps: Deps, auth: AuthOptions) {
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
    // Before the campaign routes: /dashboard/campaigns/new is not a campaign id.
    .route('/', campaignFormRoutes(deps, auth))
    .route('/', experimentFormRoutes(deps, auth))
    .route('/', campaignRoutes(deps, auth))
    .route('/', investigateRoutes(deps, auth))
    .get('/dashboard/ops', async (c) => {
      const [metrics, scaling, pauses] = await Promise.all([
        opsMetrics(deps, 120),
        auditEntries(deps.db, { actions: ['scaling.recommended'], limit: 20, offset: 0 }),
        auditEntries(deps.db, { actions: ['campaign.paused', 'campaign.resumed'], limit: 20, offset: 0 }),
      ]);
      const names = await campaignNames(deps.db, [...new Set([...pauses.map((e) => e.subject_id), ...Object.keys(metrics.current?.campaigns ?? {})])]);
      const events = (rows: typeof scaling) =>
        rows.map((e) => ({ at: new Date(e.at).toISOString(), action: e.action, actor: e.actor, traceId: e.trace_id, subjectId: e.subject_id, subjectName: names.get(e.subject_id) ?? null, data: e.data }));
      const controlReasons: Record<string, string> = {};
      for (const id of Object.keys(metrics.current?.campaigns ?? {})) {
        const reason = (await deps.runtime.loadControl<CampaignControl>(id))?.lastDecision?.reason;
        if (reason) controlReasons[id] = reason;
      }
      return livePage(c, 'Ops', <OpsLive metrics={metrics} scalingEvents={events(scaling)} pauseEvents={events(pauses)} scaling={deps.config.ops.scaling} controlReasons={controlReasons} />);
    })
    .get('/dashboard/impact', async (c) => {
      const period = Object.hasOwn(PERIODS, c.req.query('period') ?? '') ? c.req.query('period')! : '30d';
      return livePage(c, 'Impact', <ImpactPage report={await impactReport(deps, PERIODS[period]!.ms)} period={period} />);
    })
    .get('/dashboard/growth', async (c) => livePage(c, 'Growth', <GrowthLive experiments={(await growthMetrics(deps.db, deps.clock.now())).experiments} />))
    .get('/dashboard/beta', async (c) => {
      const [candidates, row] = await Promise.all([candidatesView(deps), latestReport(deps.db)]);
      const report = row ? (row.report as unknown as StoredReport) : null;
      return livePage(c, 'Beta program', <BetaLive candidates={candidates} report={report} markdown={report ? renderReportMarkdown(report) : null} />);
    });
}
