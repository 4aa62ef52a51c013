import { createRoute, z } from '@hono/zod-openapi';
import { getCampaign } from '../../campaigns/store.js';
import type { Deps } from '../../deps.js';
import { growthMetrics } from '../../growth/metrics.js';
import { planForCampaign } from '../../growth/plan-campaign.js';
import { requireRole } from '../auth.js';
import { notFound } from '../errors.js';
import { newRouter } from '../router.js';
import { errorResponses, json } from '../schemas.js';

const metrics = createRoute({
  method: 'get',
  path: '/growth/metrics',
  tags: ['growth'],
  summary: 'Latest hourly analysis per experiment: per-arm statistics, SRM, sequential tests, effectiveness per mechanism (incremental conversions, cost, ROI, trend) and proposals',
  middleware: [requireRole('viewer')] as const,
  responses: {
    200: json(z.object({ generatedAt: z.string(), experiments: z.array(z.record(z.string(), z.unknown())) }).openapi('GrowthMetrics'), 'latest results'),
    ...errorResponses,
  },
});

const plan = createRoute({
  method: 'get',
  path: '/campaigns/{id}/plan',
  tags: ['growth'],
  summary: "A campaign's send plan within the Ops capacity estimate: batch size, waves, rate and ETA; split or delayed with the reason",
  middleware: [requireRole('viewer')] as const,
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: json(z.record(z.string(), z.unknown()).openapi('CampaignPlan'), 'the plan'), ...errorResponses },
});

/** `GET /growth/metrics`: mounted under /api/v1 and /api/phase7 alike. */
export function growthMetricsRoutes(deps: Deps) {
  return newRouter().openapi(metrics, async (c) => c.json(await growthMetrics(deps.db, deps.clock.now()), 200));
}

export function growthPlanRoutes(deps: Deps) {
  return newRouter().openapi(plan, async (c) => {
    const campaign = await getCampaign(deps.db, c.req.valid('param').id);
    if (!campaign) throw notFound(`no campaign ${c.req.valid('param').id}`);
    return c.json(await planForCampaign(deps, campaign), 200);
  });
}
