import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { AppEnv } from './env.js';

/** The one error envelope every API error uses. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const badRequest = (message: string, field?: string) => new ApiError(400, 'invalid_request', message, field);

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field ? { code, message, field } : { code, message } };
}

/** A 400 naming the first offending field, e.g. `body.data.holdMs: expected number`. */
export function validationError(error: ZodError, target: string): ErrorBody {
  const issue = error.issues[0];
  const field = [target, ...(issue?.path ?? []).map(String)].join('.');
  const message = error.issues.map((i) => `${[target, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
  return errorBody('invalid_request', message, field);
}

export function handleError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof ApiError) return c.json(errorBody(error.code, error.message, error.field), error.status);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const code = status === 413 ? 'payload_too_large' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : 'invalid_request';
    return c.json(errorBody(code, error.message || 'request rejected'), status);
  }
  c.var.logger?.error({ err: error }, 'unhandled error');
  return c.json(errorBody('internal', 'internal error'), 500);
}
