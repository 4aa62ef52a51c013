import { randomUUID } from 'node:crypto';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createMiddleware } from 'hono/factory';
import type { Logger } from '../logger.js';
import { activeTelemetry } from '../telemetry/active.js';
import type { AppEnv } from './env.js';

const VALID_TRACE = /^[A-Za-z0-9._:-]{1,128}$/;
const tracer = trace.getTracer('flywheel-http');

/**
 * Accepts `x-trace-id` (or makes one), returns it, and gives the request a logger that carries it.
 * With tracing on, the request is a server span (continuing a W3C `traceparent` when given) and
 * the trace id is that span's, so `x-trace-id`, `traceparent`, job data, logs and audit entries agree.
 */
export const traceMiddleware = (logger: Logger) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const given = c.req.header('x-trace-id');
    if (!activeTelemetry()) {
      const traceId = given && VALID_TRACE.test(given) ? given : randomUUID();
      c.set('traceId', traceId);
      c.set('logger', logger.child({ traceId }));
      c.header('x-trace-id', traceId);
      await next();
      return;
    }
    const parent = propagation.extract(context.active(), c.req.raw.headers, {
      get: (headers, key) => headers.get(key) ?? undefined,
      keys: (headers) => [...headers.keys()],
    });
    await tracer.startActiveSpan(c.req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path } }, parent, async (span) => {
      const traceId = span.spanContext().traceId;
      if (given && given !== traceId) span.setAttribute('flywheel.client_trace_id', given.slice(0, 128));
      c.set('traceId', traceId);
      c.set('logger', logger.child({ traceId }));
      c.header('x-trace-id', traceId);
      propagation.inject(context.active(), c, { set: (carrier, key, value) => carrier.header(key, value) });
      try {
        await next();
      } finally {
        span.updateName(`${c.req.method} ${c.req.routePath}`);
        span.setAttributes({ 'http.route': c.req.routePath, 'http.response.status_code': c.res.status });
        if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  });
