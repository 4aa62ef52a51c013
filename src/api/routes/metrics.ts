import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../../deps.js';
import { requireRole } from '../auth.js';
import { newRouter } from '../router.js';
import { errorResponses } from '../schemas.js';

const scrape = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['ops'],
  summary: 'Prometheus metrics: queues, jobs, HTTP, and the business metrics in docs/operations.md',
  middleware: [requireRole('viewer')] as const,
  responses: {
    200: { description: 'Prometheus text exposition format', content: { 'text/plain; version=0.0.4': { schema: z.string() } } },
    401: errorResponses[401],
    403: errorResponses[403],
  },
});

/** Mounted behind `authenticate` (app.tsx): a scraper uses a viewer token. */
export function metricsRoutes(deps: Deps) {
  return newRouter().openapi(scrape, async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.text(text, 200, { 'content-type': deps.metrics.registry.contentType });
  });
}
