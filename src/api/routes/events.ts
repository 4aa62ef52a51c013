import { createRoute, z } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import type { Deps } from '../../deps.js';
import {
  eventBatchSchema,
  fieldPath,
  firstRepeatedId,
  IngestInputError,
  tenantBatchSchema,
  userBatchSchema,
} from '../../events/input.js';
import { insertEvents, upsertTenants, upsertUsers } from '../../events/store.js';
import { requireRole } from '../auth.js';
import { badRequest } from '../errors.js';
import { newRouter } from '../router.js';
import { errorResponses, json } from '../schemas.js';

/**
 * Batch validation answers 400 naming the first bad record the way the sender
 * wrote it (`events[3].time`), not the router's `json.events.3.time`.
 */
export const batchHook = (result: { success: true } | { success: false; error: ZodError }): undefined => {
  if (result.success) return;
  const issues = result.error.issues;
  const message = issues.slice(0, 5).map((i) => `${fieldPath(i.path) || '(body)'}: ${i.message}`).join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  throw badRequest(message + more, fieldPath(issues[0]?.path ?? []) || undefined);
};

const rethrow = (error: unknown): never => {
  if (error instanceof IngestInputError) throw badRequest(error.message, error.field);
  throw error;
};

const Stored = z.object({ received: z.number(), stored: z.number(), duplicates: z.number() }).openapi('EventsStored');
const Upserted = z.object({ received: z.number(), inserted: z.number(), updated: z.number() }).openapi('RecordsUpserted');

const events = createRoute({
  method: 'post',
  path: '/events',
  tags: ['ingestion'],
  summary: 'Store a batch of activity events; resent ids are stored once, a bad event rejects the whole batch',
  middleware: [requireRole('operator')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: eventBatchSchema } } } },
  responses: { 200: json(Stored, 'stored durably (committed) before this answer'), ...errorResponses },
});
const tenants = createRoute({
  method: 'post',
  path: '/tenants',
  tags: ['ingestion'],
  summary: 'Insert or update tenants; a field left out keeps its stored value',
  middleware: [requireRole('operator')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: tenantBatchSchema } } } },
  responses: { 200: json(Upserted, 'written'), ...errorResponses },
});
const users = createRoute({
  method: 'post',
  path: '/users',
  tags: ['ingestion'],
  summary: "Insert or update users; each user's tenant must exist",
  middleware: [requireRole('operator')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: userBatchSchema } } } },
  responses: { 200: json(Upserted, 'written'), ...errorResponses },
});

/** Ingestion of activity events, tenants and users (mounted at /api/v1). */
export function ingestionRoutes(deps: Deps) {
  return newRouter()
    .openapi(
      events,
      async (c) => {
        const batch = c.req.valid('json').events;
        const stored = await insertEvents(deps.db, batch);
        return c.json({ received: batch.length, stored, duplicates: batch.length - stored }, 200);
      },
      batchHook,
    )
    .openapi(
      tenants,
      async (c) => {
        const batch = c.req.valid('json').tenants;
        const repeated = firstRepeatedId(batch, 'tenants');
        if (repeated) rethrow(repeated);
        const written = await upsertTenants(deps.db, batch);
        return c.json({ received: batch.length, ...written }, 200);
      },
      batchHook,
    )
    .openapi(
      users,
      async (c) => {
        const batch = c.req.valid('json').users;
        const repeated = firstRepeatedId(batch, 'users');
        if (repeated) rethrow(repeated);
        const written = await upsertUsers(deps.db, batch).catch(rethrow);
        return c.json({ received: batch.length, ...written }, 200);
      },
      batchHook,
    );
}
