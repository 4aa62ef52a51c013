import { createRoute, z } from '@hono/zod-openapi';
import { CampaignInputError, createCampaign } from '../../campaigns/create.js';
import { CampaignStateError, cancelCampaign, pauseCampaign, requestLaunch } from '../../campaigns/control.js';
import { operatorResume } from '../../campaigns/operator-resume.js';
import { campaignInputSchema } from '../../campaigns/input.js';
import { campaignView, campaignWithProgress } from '../../campaigns/progress.js';
import { getCampaign, listCampaigns } from '../../campaigns/store.js';
import type { Deps } from '../../deps.js';
import { requireRole } from '../auth.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { newRouter } from '../router.js';
import { CampaignActionOutcomeSchema, CampaignSchema, LimitsSchema } from '../responses/campaign.js';
import { errorResponses, json } from '../schemas.js';

const STATUSES = ['draft', 'pending_approval', 'scheduled', 'running', 'paused', 'completed', 'cancelled', 'failed'] as const;
const Id = z.object({ id: z.uuid() });
const Campaign = CampaignSchema;
const Outcome = CampaignActionOutcomeSchema;

const create = createRoute({
  method: 'post',
  path: '/campaigns',
  tags: ['campaigns'],
  summary: 'Create a draft campaign',
  middleware: [requireRole('operator')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: campaignInputSchema } } } },
  responses: { 201: json(Campaign, 'the draft'), ...errorResponses },
});
const list = createRoute({
  method: 'get',
  path: '/campaigns',
  tags: ['campaigns'],
  summary: 'Campaigns, newest first',
  middleware: [requireRole('viewer')] as const,
  request: { query: z.object({ status: z.enum(STATUSES).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) }) },
  responses: { 200: json(z.object({ items: z.array(Campaign) }), 'campaigns'), ...errorResponses },
});
const show = createRoute({
  method: 'get',
  path: '/campaigns/{id}',
  tags: ['campaigns'],
  summary: 'A campaign with its progress (delivered, failed, remaining, rate, ETA) and live limits',
  middleware: [requireRole('viewer')] as const,
  request: { params: Id },
  responses: { 200: json(Campaign, 'the campaign'), ...errorResponses },
});
const action = (verb: 'launch' | 'pause' | 'resume' | 'cancel', summary: string) =>
  createRoute({
    method: 'post',
    path: `/campaigns/{id}/${verb}`,
    tags: ['campaigns'],
    summary,
    middleware: [requireRole('operator')] as const,
    request: {
      params: Id,
      body: { required: false, content: { 'application/json': { schema: z.strictObject({ reason: z.string().max(500).optional() }) } } },
    },
    responses: { 200: json(Outcome, 'what happened'), 409: json(Outcome, 'not possible in this state'), ...errorResponses },
  });
const limits = createRoute({
  method: 'put',
  path: '/campaigns/{id}/limits',
  tags: ['campaigns'],
  summary: 'Cap the fleet-wide limits of a campaign; every worker applies them on its next request, and the Ops controller stays under them',
  middleware: [requireRole('operator')] as const,
  request: {
    params: Id,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .strictObject({ concurrency: z.number().int().min(1).max(10_000).optional(), ratePerSec: z.number().positive().max(100_000).optional(), batchSize: z.number().int().min(1).max(1000).optional() })
            .refine((v) => Object.keys(v).length > 0, 'give at least one of concurrency, ratePerSec, batchSize'),
        },
      },
    },
  },
  responses: { 200: json(LimitsSchema, 'the limits now in force'), ...errorResponses },
});

export function campaignRoutes(deps: Deps) {
  const existing = async (id: string) => {
    const campaign = await getCampaign(deps.db, id);
    if (!campaign) throw notFound(`no campaign ${id}`);
    return campaign;
  };
  const conflict = (error: unknown): never => {
    if (error instanceof CampaignStateError) throw new ApiError(409, 'invalid_state', error.message);
    throw error;
  };
  return newRouter()
    .openapi(create, async (c) => {
      try {
        const campaign = await createCampaign(deps, c.req.valid('json'), c.var.principal.name, c.var.traceId);
        return c.json(campaignView(campaign), 201);
      } catch (error) {
        if (error instanceof CampaignInputError) throw badRequest(error.message, `json.${error.field}`);
        throw error;
      }
    })
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const rows = await listCampaigns(deps.db, { status: q.status ? [q.status] : undefined, limit: q.limit, offset: q.offset });
      return c.json({ items: rows.map(campaignView) }, 200);
    })
    .openapi(show, async (c) => {
      const { id } = c.req.valid('param');
      // One Postgres statement and one Redis read, at once: a progress read is polled while a campaign runs.
      const [read, limits] = await Promise.all([campaignWithProgress(deps.db, id, deps.clock.now()), deps.runtime.limits(id)]);
      if (!read) throw notFound(`no campaign ${id}`);
      return c.json({ ...campaignView(read.campaign), progress: read.progress, limits }, 200);
    })
    .openapi(action('launch', 'Launch through the policy: starts now, waits for approval, or is refused'), async (c) => {
      const { id } = c.req.valid('param');
      await existing(id);
      const outcome = await requestLaunch(deps, id, { proposer: 'operator', requester: c.var.principal.name, requesterPerson: c.var.principal.person }, c.var.traceId).catch(conflict);
      return c.json({ ...outcome, campaign: campaignView((await getCampaign(deps.db, id))!) }, 200);
    })
    .openapi(action('pause', 'Pause on every worker within a second'), async (c) => {
      const { id } = c.req.valid('param');
      await existing(id);
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      const paused = await pauseCampaign(deps, id, body.reason ?? `paused by ${c.var.principal.name}`, c.var.principal.name, c.var.traceId);
      return c.json({ paused, campaign: campaignView((await getCampaign(deps.db, id))!) }, paused ? 200 : 409);
    })
    .openapi(action('resume', 'Resume; a campaign the Ops agent paused resumes through the policy'), async (c) => {
      const { id } = c.req.valid('param');
      const result = await operatorResume(deps, await existing(id), c.var.principal.name, c.var.traceId);
      if (result.kind === 'not_paused') return c.json({ resumed: false, reason: result.reason }, 409);
      const campaign = campaignView((await getCampaign(deps.db, id))!);
      if (result.kind === 'proposed') return c.json({ ...result.outcome, campaign }, 200);
      return c.json({ resumed: result.resumed, campaign }, result.resumed ? 200 : 409);
    })
    .openapi(action('cancel', 'Cancel; nothing more is sent'), async (c) => {
      const { id } = c.req.valid('param');
      await existing(id);
      const cancelled = await cancelCampaign(deps, id, c.var.principal.name, c.var.traceId);
      return c.json({ cancelled, campaign: campaignView((await getCampaign(deps.db, id))!) }, cancelled ? 200 : 409);
    })
    .openapi(limits, async (c) => {
      const { id } = c.req.valid('param');
      await existing(id);
      // The operator's values are a ceiling the Ops controller stays under, and apply at once (Postgres first).
      await deps.runtime.setCap(id, c.req.valid('json'));
      c.var.logger.info({ campaign: id, limits: c.req.valid('json'), by: c.var.principal.name }, 'campaign limits set');
      return c.json(await deps.runtime.limits(id), 200);
    });
}
