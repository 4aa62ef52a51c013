import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../../src/clock.js';
import { createDownstreamModel, type DownstreamConfig, type DownstreamModel } from './downstream-model.js';
import { DownstreamStats } from './downstream-stats.js';

const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface DownstreamServerOptions {
  config?: Partial<DownstreamConfig>;
  /** When set, `POST /deliver` needs `x-flywheel-signature: [sha256=]<hex HMAC-SHA256 of the body>` or gets 401. */
  secret?: string;
  clock?: Clock;
  random?: () => number;
}

export interface DownstreamServer {
  server: Server;
  model: DownstreamModel;
  stats(): DownstreamStats;
}

export interface RunningDownstream {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The simulated downstream messaging service: `POST /deliver` (one message, or
 * `{ messages: [...] }`) served through the queueing model, plus `GET /_stats`
 * (`?from=&to=&bucketMs=` adds time buckets), `POST /_control` (a partial config,
 * answered with the config and `appliedAt`) and `POST /_reset` (stats and queue).
 */
export function createDownstreamServer(options: DownstreamServerOptions = {}): DownstreamServer {
  const clock = options.clock ?? systemClock;
  const model = createDownstreamModel(options.config, options.random);
  let stats = new DownstreamStats();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  /** A zero-latency answer (the no-op downstream) goes out at once rather than a timer tick later. */
  const answerAfter = (latencyMs: number, send: () => void) => (latencyMs < 0.5 ? send() : void setTimeout(send, latencyMs));

  function deliver(req: IncomingMessage, res: ServerResponse, raw: Buffer) {
    // Counted on the stats object current at arrival, so a reset mid-request keeps both consistent.
    const counted = stats;
    counted.arrived(clock.now().getTime());
    if (options.secret !== undefined && !signatureMatches(options.secret, raw, req.headers['x-flywheel-signature'])) {
      counted.finished(401);
      return json(res, 401, { error: 'bad signature' });
    }
    const parsed = parseDelivery(raw);
    if (typeof parsed === 'string') {
      counted.finished(400);
      return json(res, 400, { error: parsed });
    }
    const now = clock.now().getTime();
    const messages = parsed.messages.length;
    // A health probe (`x-flywheel-probe: 1`, see src/ops/probe.ts) takes its place in the queue like
    // any request but is acknowledged and ignored: not a delivery, no idempotency, no time buckets.
    if (req.headers['x-flywheel-probe'] === '1') {
      counted.probe();
      const admission = model.admit(now, 1);
      if (admission.kind === 'refused') {
        counted.finished(admission.status);
        return json(res, admission.status, { error: 'overloaded' }, { 'retry-after': String(admission.retryAfterSec) });
      }
      return answerAfter(admission.latencyMs, () => {
        counted.finished(admission.status, { latencyMs: admission.latencyMs });
        json(res, admission.status, admission.status === 200 ? { probe: true } : { error: 'simulated failure' });
      });
    }
    const header = req.headers['x-campaign-id'];
    const key = (typeof header === 'string' && header) || parsed.campaignId || '-';
    const requestKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    counted.delivery(now, messages);
    const admission = model.admit(now, messages);
    if (admission.kind === 'refused') {
      counted.finished(admission.status, { key, messages, atMs: now });
      return json(res, admission.status, { error: 'overloaded' }, { 'retry-after': String(admission.retryAfterSec) });
    }
    answerAfter(admission.latencyMs, () => {
      counted.finished(admission.status, { key, messages, latencyMs: admission.latencyMs, atMs: clock.now().getTime() });
      if (admission.status === 500) return json(res, 500, { error: 'simulated failure' });
      const duplicate = counted.delivered(requestKey, messages, parsed.messageKeys);
      json(res, 200, { accepted: messages, duplicate });
    });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return json(res, 413, { error: 'body too large' });
      const raw = Buffer.concat(chunks);
      const route = `${req.method} ${new URL(req.url ?? '/', 'http://localhost').pathname}`;
      if (route === 'POST /deliver') return deliver(req, res, raw);
      if (route === 'GET /_stats') {
        const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
        const from = Number(query.get('from'));
        const body: Record<string, unknown> = { config: { ...model.config }, ...stats.snapshot() };
        // ?from=<ms>&to=<ms>&bucketMs=<ms>: delivery counts in buckets aligned at `from`.
        if (from > 0) body.buckets = stats.buckets(from, Number(query.get('to')) || clock.now().getTime() + 1, Number(query.get('bucketMs')) || 1000);
        return json(res, 200, body);
      }
      if (route === 'POST /_reset') {
        stats = new DownstreamStats();
        model.reset();
        return json(res, 200, { reset: true });
      }
      if (route === 'POST /_control') {
        try {
          model.configure(JSON.parse(raw.toString('utf8') || '{}') as Partial<DownstreamConfig>);
          // `appliedAt`: when the change took effect, on this process's clock (ms since epoch).
          return json(res, 200, { config: { ...model.config }, appliedAt: clock.now().getTime() });
        } catch (error) {
          return json(res, 400, { error: error instanceof Error ? error.message : String(error) });
        }
      }
      json(res, 404, { error: `no route ${route}` });
    });
  });
  return { server, model, stats: () => stats };
}

/** Listens on 127.0.0.1 only (`port` 0 picks a free one). */
export async function startDownstream(options: DownstreamServerOptions & { port?: number } = {}): Promise<RunningDownstream & DownstreamServer> {
  const created = createDownstreamServer(options);
  await new Promise<void>((resolve, reject) => {
    created.server.once('error', reject);
    created.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = created.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    ...created,
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        created.server.close(() => resolve());
        created.server.closeAllConnections();
      }),
  };
}

function signatureMatches(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header.startsWith('sha256=') ? header.slice(7) : header, 'utf8');
  const expected = Buffer.from(createHmac('sha256', secret).update(body).digest('hex'), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function parseDelivery(raw: Buffer): { campaignId: string | undefined; messages: unknown[]; messageKeys: string[] } | string {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const record = body as Record<string, unknown>;
  const messages = 'messages' in record ? record.messages : [record];
  if (!Array.isArray(messages) || messages.length === 0) return 'messages must be a non-empty array';
  const field = (value: unknown, name: string) => {
    const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  return {
    campaignId: field(record, 'campaignId') ?? field(messages[0], 'campaignId'),
    messages,
    messageKeys: messages.map((m) => field(m, 'idempotencyKey')).filter((k): k is string => k !== undefined),
  };
}
