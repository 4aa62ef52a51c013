import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { experimentInputSchema } from '../../growth/experiment-input.js';
import { createExperiment, ExperimentError, experimentView } from '../../growth/experiments.js';
import { experimentOfCampaign, getExperiment } from '../../growth/store.js';
import { requireRole } from '../auth.js';
import { ApiError, notFound } from '../errors.js';
import { newRouter } from '../router.js';
import { errorResponses, json } from '../schemas.js';

const Id = z.object({ id: z.uuid() });
const Experiment = z.record(z.string(), z.unknown()).openapi('Experiment');

const create = createRoute({
  method: 'post',
  path: '/campaigns/{id}/experiment',
  tags: ['growth'],
  summary: "Attach an A/B experiment on the reward to a draft campaign: each recipient gets an arm (and its reward) at launch",
  middleware: [requireRole('operator')] as const,
  request: { params: Id, body: { required: true, content: { 'application/json': { schema: experimentInputSchema } } } },
  responses: { 201: json(Experiment, 'the experiment'), 409: json(z.object({ error: z.object({ code: z.string(), message: z.string() }) }), 'the campaign is not a draft or has one'), ...errorResponses },
});
const ofCampaign = createRoute({
  method: 'get',
  path: '/campaigns/{id}/experiment',
  tags: ['growth'],
  summary: "A campaign's experiment: arms, rewards, weights and allocation",
  middleware: [requireRole('viewer')] as const,
  request: { params: Id },
  responses: { 200: json(Experiment, 'the experiment'), ...errorResponses },
});
const byId = createRoute({
  method: 'get',
  path: '/experiments/{id}',
  tags: ['growth'],
  summary: 'An experiment: arms, rewards, weights and allocation',
  middleware: [requireRole('viewer')] as const,
  request: { params: Id },
  responses: { 200: json(Experiment, 'the experiment'), ...errorResponses },
});

export function experimentRoutes(deps: Deps) {
  return newRouter()
    .openapi(create, async (c) => {
      try {
        const experiment = await createExperiment(deps, c.req.valid('param').id, c.req.valid('json'), c.var.principal.name, c.var.traceId);
        return c.json(experimentView(experiment), 201);
      } catch (error) {
        if (error instanceof ExperimentError) {
          throw new ApiError(error.status, error.status === 404 ? 'not_found' : error.status === 409 ? 'invalid_state' : 'invalid_request', error.message, error.field);
        }
        throw error;
      }
    })
    .openapi(ofCampaign, async (c) => {
      const experiment = await experimentOfCampaign(deps.db, c.req.valid('param').id);
      if (!experiment) throw notFound(`campaign ${c.req.valid('param').id} has no experiment`);
      return c.json(experimentView(experiment), 200);
    })
    .openapi(byId, async (c) => {
      const experiment = await getExperiment(deps.db, c.req.valid('param').id);
      if (!experiment) throw notFound(`no experiment ${c.req.valid('param').id}`);
      return c.json(experimentView(experiment), 200);
    });
}
