import { createRoute, z } from '@hono/zod-openapi';
import { feedbackBatchSchema, feedbackSchema } from '../../beta/feedback-input.js';
import { intakeFeedback } from '../../beta/intake.js';
import type { Deps } from '../../deps.js';
import { requireRole } from '../auth.js';
import { newRouter } from '../router.js';
import { errorResponses, json } from '../schemas.js';
import { batchHook } from './events.js';

const Analysis = z.object({ sentiment: z.enum(['positive', 'neutral', 'negative']), score: z.number(), category: z.string(), keywords: z.array(z.string()) });

const single = createRoute({
  method: 'post',
  path: '/feedback',
  tags: ['beta'],
  summary: 'Take one piece of feedback; it is analysed (sentiment, category, keywords) and stored',
  middleware: [requireRole('operator')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: feedbackSchema } } } },
  responses: {
    201: json(z.object({ id: z.string(), stored: z.boolean(), analysis: Analysis }).openapi('FeedbackStored'), 'stored (stored: false when the id was already known)'),
    ...errorResponses,
  },
});
const batch = createRoute({
  method: 'post',
  path: '/feedback/batch',
  tags: ['beta'],
  summary: 'Take up to 1,000 pieces of feedback at once; one bad item rejects the batch, named by index',
  middleware: [requireRole('operator')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: feedbackBatchSchema } } } },
  responses: { 200: json(z.object({ received: z.number(), stored: z.number(), duplicates: z.number() }).openapi('FeedbackBatchStored'), 'stored'), ...errorResponses },
});

/** Feedback intake (mounted at /api/v1). */
export function feedbackRoutes(deps: Deps) {
  return newRouter()
    .openapi(
      single,
      async (c) => {
        const { records, stored } = await intakeFeedback(deps, [c.req.valid('json')]);
        const record = records[0]!;
        return c.json({ id: record.id, stored: stored === 1, analysis: record.analysis }, 201);
      },
      batchHook,
    )
    .openapi(
      batch,
      async (c) => {
        const items = c.req.valid('json').items;
        const { stored } = await intakeFeedback(deps, items);
        return c.json({ received: items.length, stored, duplicates: items.length - stored }, 200);
      },
      batchHook,
    );
}
