import { type Context, Hono } from 'hono';
import type { AuthOptions } from '../../api/auth.js';
import { requireRole } from '../../api/auth.js';
import type { AppEnv } from '../../api/env.js';
import { ApiError } from '../../api/errors.js';
import { hasRole } from '../../api/tokens.js';
import { auditEntries } from '../../audit/store.js';
import { cancelCampaign, CampaignStateError, pauseCampaign, requestLaunch } from '../../campaigns/control.js';
import { operatorResume } from '../../campaigns/operator-resume.js';
import { campaignProgress, campaignView } from '../../campaigns/progress.js';
import { type CampaignRow, deliveryBuckets, getCampaign } from '../../campaigns/store.js';
import type { Deps } from '../../deps.js';
import { planForCampaign } from '../../growth/plan-campaign.js';
import { experimentOfCampaign } from '../../growth/store.js';
import type { CampaignControl } from '../../ops/control-state.js';
import { campaignSnapshots } from '../../ops/store.js';
import { formCsrfToken, verifyFormCsrf } from '../form-csrf.js';
import { RANGES, rangeOf } from '../line-chart.js';
import { campaignCards } from './campaign-cards.js';
import { campaignSeries, controlMarkers, eventMarkers } from './campaign-charts.js';
import { CampaignDetailLive, CampaignFacts, CampaignListLive } from './campaign-pages.js';
import { livePage } from './live-page.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function campaignOr404(deps: Deps, id: string) {
  const campaign = UUID.test(id) ? await getCampaign(deps.db, id.toLowerCase()) : undefined;
  if (!campaign) throw new ApiError(404, 'not_found', 'There is no campaign with this id.');
  return campaign;
}

/** Everything the campaign page shows, for one time range of its charts. */
async function campaignDetail(deps: Deps, row: CampaignRow, rangeKey: string) {
  const now = deps.clock.now().getTime();
  const range = RANGES[rangeKey]!;
  const to = row.finished_at ? Math.min(now, new Date(row.finished_at).getTime() + range.bucketMs) : now;
  const from = to - range.ms;
  const [progress, limits, control, cap, buckets, snapshots, events, experiment] = await Promise.all([
    campaignProgress(deps.db, row.id, deps.clock.now(), row),
    deps.runtime.limits(row.id),
    deps.runtime.loadControl<CampaignControl>(row.id),
    deps.runtime.cap(row.id),
    deliveryBuckets(deps.db, row.id, { from: new Date(from), to: new Date(to), bucketMs: range.bucketMs }),
    campaignSnapshots(deps.db, row.id, new Date(from), new Date(to)),
    auditEntries(deps.db, { subjectId: row.id, limit: 50, offset: 0 }),
    experimentOfCampaign(deps.db, row.id),
  ]);
  const eventViews = events.map((e) => ({ at: new Date(e.at).toISOString(), action: e.action, actor: e.actor, traceId: e.trace_id, data: e.data }));
  return {
    campaign: campaignView(row),
    progress,
    limits,
    control: control?.lastDecision ?? null,
    cap,
    charts: { ...campaignSeries(buckets, { from, to, bucketMs: range.bucketMs }), markers: [...eventMarkers(eventViews), ...controlMarkers(snapshots)], range: { from, to, key: rangeKey } },
    events: eventViews,
    plan: row.status === 'draft' && (row.audience_size ?? 0) > 0 ? await planForCampaign(deps, row) : null,
    experiment: experiment ? { id: experiment.id, key: experiment.key, arms: experiment.arms.length } : null,
  };
}

/** The campaigns list, a campaign's page, and its controls (launch, pause, resume, cancel). */
export function campaignRoutes(deps: Deps, auth: AuthOptions) {
  const control = async (c: Context<AppEnv>, act: (row: CampaignRow, actor: string) => Promise<unknown>) => {
    if (!verifyFormCsrf(c, (await c.req.parseBody()).csrf)) {
      throw new ApiError(403, 'forbidden', 'This form has expired or did not come from this dashboard. Reload the page and try again.');
    }
    const campaign = await campaignOr404(deps, c.req.param('id') ?? '');
    try {
      await act(campaign, c.var.principal.name);
    } catch (error) {
      if (error instanceof CampaignStateError) throw new ApiError(409, 'invalid_state', error.message);
      throw error;
    }
    return c.redirect(`/dashboard/campaigns/${campaign.id}`, 303);
  };
  return new Hono<AppEnv>()
    .get('/dashboard/campaigns', async (c) => {
      const canCreate = hasRole(c.var.principal.roles, ['operator']);
      const head = canCreate ? (
        <p>
          <a class="button" href="/dashboard/campaigns/new">
            New campaign
          </a>
        </p>
      ) : undefined;
      return livePage(c, 'Campaigns', <CampaignListLive campaigns={await campaignCards(deps, { limit: 100 })} canCreate={canCreate} />, head);
    })
    .get('/dashboard/campaigns/:id', async (c) => {
      const row = await campaignOr404(deps, c.req.param('id'));
      const detail = await campaignDetail(deps, row, rangeOf(c.req.query('range')));
      const live = <CampaignDetailLive {...detail} canControl={hasRole(c.var.principal.roles, ['operator'])} csrf={formCsrfToken(c)} />;
      return livePage(c, detail.campaign.name, live, <CampaignFacts campaign={detail.campaign} />);
    })
    .post('/dashboard/campaigns/:id/launch', requireRole('operator'), (c) =>
      // The launch continues the campaign's own trace, so the trace view shows the workflow from creation to delivery.
      control(c, (row, actor) => requestLaunch(deps, row.id, { proposer: 'operator', requester: actor }, row.trace_id)),
    )
    .post('/dashboard/campaigns/:id/pause', requireRole('operator'), (c) =>
      control(c, (row, actor) => pauseCampaign(deps, row.id, `paused by ${actor} on the dashboard`, actor, c.var.traceId)),
    )
    .post('/dashboard/campaigns/:id/resume', requireRole('operator'), (c) => control(c, (row, actor) => operatorResume(deps, row, actor, c.var.traceId)))
    .post('/dashboard/campaigns/:id/cancel', requireRole('operator'), (c) => control(c, (row, actor) => cancelCampaign(deps, row.id, actor, c.var.traceId)));
}
