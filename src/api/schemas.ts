import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }) })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'Invalid request', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'No valid credentials', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Missing role', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

/** A page of a list: `?limit=&offset=`, as every list route takes it. */
export const pagingQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why Postgres (or any UTF-8 consumer) would refuse this text, or null when it is fine. */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'contains U+0000 (NUL), which text cannot hold';
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate, which is not valid Unicode';
  return null;
}

/**
 * The one string schema: refuses what Postgres text cannot store. The input guard
 * (input-guard.ts) applies the same check to every string of every request at the
 * edge; routes use this where they declare a string of their own.
 */
export const SafeString = z.string().superRefine((value, ctx) => {
  const problem = textProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
