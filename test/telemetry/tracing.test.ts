import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app.js';
import type { ActiveTelemetry } from '../../src/telemetry/active.js';
import { tracingRequested } from '../../src/telemetry/enabled.js';
import { startTelemetry } from '../../src/telemetry/start.js';
import { createTestContext, type TestContext } from '../support/deps.js';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { seedUsers } from '../support/seed-users.js';
import { TestDownstream } from '../support/test-downstream.js';
import { bearer, TOKENS } from '../support/tokens.js';
import { waitFor } from '../support/wait-for.js';
import { startTestWorkers } from '../support/workers.js';

const SECRET = 'downstream-secret-0123456789';

describe('tracing switch', () => {
  it('is off by default and on with the standard OTEL_* variables', () => {
    assert.equal(tracingRequested({}), false);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), true);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' }), true);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), false);
    assert.equal(tracingRequested({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), false);
  });
});

describe('OpenTelemetry tracing of a campaign launch', () => {
  const receiver = new OtlpReceiver();
  const downstream = new TestDownstream(SECRET);
  let telemetry: ActiveTelemetry | null;
  let ctx: TestContext;
  let app: ReturnType<typeof createApp>;
  let workers: Awaited<ReturnType<typeof startTestWorkers>>;

  before(async () => {
    await receiver.start();
    await downstream.start();
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'flywheel-test',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    });
    telemetry = await startTelemetry(process.env, 'test');
    ctx = await createTestContext({ config: { campaigns: { reconcileEverySec: 3600 } } });
    app = createApp(ctx.deps);
    await seedUsers(ctx.deps.db, 30);
    workers = await startTestWorkers(ctx);
  });
  after(async () => {
    await workers.stop();
    await ctx.cleanup();
    await telemetry?.shutdown();
    await downstream.stop();
    await receiver.stop();
  });

  it('links the request, the enqueue, the workers, Postgres and the downstream call in one trace that the audit entry names', async () => {
    assert.ok(telemetry, 'tracing starts with OTEL_EXPORTER_OTLP_ENDPOINT set');
    const json = { ...bearer(TOKENS.operator), 'content-type': 'application/json' };
    const created = await app.request('/api/v1/campaigns', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        name: 'Traced nudge',
        audience: { type: 'segment', filters: {} },
        template: 'Hi {{user.name}}',
        channel: { url: downstream.url, secret: SECRET, mode: 'batch', maxBatch: 10 },
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: string };
    const launched = await app.request(`/api/v1/campaigns/${id}/launch`, { method: 'POST', headers: bearer(TOKENS.operator) });
    assert.equal(((await launched.json()) as { outcome: string }).outcome, 'applied');

    const traceId = launched.headers.get('x-trace-id') ?? '';
    assert.match(traceId, /^[0-9a-f]{32}$/);
    const traceparent = launched.headers.get('traceparent') ?? '';
    assert.equal(traceparent.split('-')[1], traceId, 'x-trace-id and traceparent name the same trace');

    await waitFor(async () => {
      const row = await ctx.deps.db.selectFrom('campaigns').select('status').where('id', '=', id).executeTakeFirst();
      return row?.status === 'completed' || undefined;
    }, { timeoutMs: 60_000, what: 'campaign completion' });
    const audit = await ctx.deps.db.selectFrom('audit_log').select(['action', 'trace_id']).where('subject_id', '=', id).execute();
    assert.ok(audit.some((entry) => entry.trace_id === traceId), `an audit entry of the launch carries the trace id: ${JSON.stringify(audit)}`);

    const spans = await waitFor(async () => {
      await telemetry!.flush();
      const inTrace = receiver.spans.filter((span) => span.traceId === traceId);
      const downstreamCall = inTrace.find((span) => span.kind === 3 && String(span.attributes['url.full'] ?? '').startsWith(downstream.url));
      // A parent ends (and is exported) after its children: wait until every parent has arrived.
      const ids = new Set(inTrace.map((span) => span.spanId));
      const complete = inTrace.every((span) => !span.parentSpanId || ids.has(span.parentSpanId));
      return downstreamCall && complete ? inTrace : undefined;
    }, { timeoutMs: 20_000, what: 'the downstream call span and all its ancestors' });

    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const root = spans.find((span) => !span.parentSpanId);
    assert.ok(root, 'the trace has a root');
    assert.equal(root.kind, 2);
    assert.equal(root.name, 'POST /api/v1/campaigns/:id/launch');
    const chain = (span: ReceivedSpan): ReceivedSpan[] => (span.parentSpanId && byId.get(span.parentSpanId) ? [span, ...chain(byId.get(span.parentSpanId)!)] : [span]);
    for (const span of spans) assert.equal(chain(span).at(-1), root, `${span.name} reaches the request span through its parents`);

    assert.ok(spans.some((span) => span.kind === 4), 'an enqueue (producer) span');
    assert.ok(spans.some((span) => span.kind === 5), 'a job (consumer) span');
    assert.ok(spans.some((span) => span.attributes['db.system'] === 'postgresql' || span.attributes['db.system.name'] === 'postgresql'), 'Postgres query spans');
    const call = spans.find((span) => span.kind === 3 && String(span.attributes['url.full'] ?? '').startsWith(downstream.url))!;
    const kinds = chain(call).map((span) => span.kind);
    assert.ok(kinds.includes(5) && kinds.includes(4), `the downstream call sits under a job that an enqueue started: ${chain(call).map((s) => s.name).join(' ← ')}`);
  });
});
