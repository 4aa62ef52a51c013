import { createRequire } from 'node:module';
import { type ProxyTracerProvider, trace } from '@opentelemetry/api';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BullMQOtel } from 'bullmq-otel';
import { type ActiveTelemetry, setActiveTelemetry } from './active.js';

/**
 * NodeSDK reads the rest of the standard variables itself (exporter, protocol, headers,
 * sampler, propagators, resource attributes). Spans: HTTP requests (src/api/trace.ts),
 * enqueue and job processing (bullmq-otel), Postgres queries (instrumentation-pg) and
 * downstream calls through undici or fetch (instrumentation-undici, diagnostics channels).
 */
export function startSdk(env: Readonly<Record<string, string | undefined>>, processName: string): ActiveTelemetry {
  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName: `flywheel-${processName}` }),
    instrumentations: [new PgInstrumentation({ requireParentSpan: true }), new UndiciInstrumentation()],
  });
  sdk.start();
  // Our modules load `pg` as ESM before this runs; requiring it once more lets the
  // instrumentation's require hook patch the one shared module (Client.prototype.query).
  createRequire(import.meta.url)('pg');
  let stopped: Promise<void> | undefined;
  const telemetry: ActiveTelemetry = {
    bullmq: new BullMQOtel({ tracerName: 'flywheel-bullmq' }),
    async flush() {
      // The global provider is a proxy; the SDK's provider behind it has forceFlush.
      const global = trace.getTracerProvider() as ProxyTracerProvider;
      await (global.getDelegate() as { forceFlush?: () => Promise<void> }).forceFlush?.();
    },
    shutdown() {
      stopped ??= sdk.shutdown();
      return stopped;
    },
  };
  setActiveTelemetry(telemetry);
  return telemetry;
}
