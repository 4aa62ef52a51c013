import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { Logger } from '../logger.js';
import type { AppEnv } from './env.js';

const VALID_TRACE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts `x-trace-id` (or makes one), returns it, and gives the request a logger that carries it. */
export const traceMiddleware = (logger: Logger) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const given = c.req.header('x-trace-id');
    const traceId = given && VALID_TRACE.test(given) ? given : randomUUID();
    c.set('traceId', traceId);
    c.set('logger', logger.child({ traceId }));
    c.header('x-trace-id', traceId);
    await next();
  });
