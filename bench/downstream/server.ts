// The simulated downstream as its own process, bound to 127.0.0.1. Prints
// {"port":…,"url":"http://127.0.0.1:…"} as its first stdout line once listening.
// Usage: node --import tsx bench/downstream/server.ts [--port 0] [--capacity 500]
//   [--base-latency-ms 20] [--latency-jitter 0.1] [--error-rate 0] [--burst N]
//   [--max-queue-ms 1000] [--overload-status 429|503] [--overload-error-rate 0.2]
//   [--batch-message-cost 0.1] [--secret S] [--seed N]
import { parseArgs } from 'node:util';
import type { DownstreamConfig } from './downstream-model.js';
import { mulberry32 } from '../../src/growth/mulberry32.js';
import { startDownstream } from './downstream-server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    capacity: { type: 'string' },
    'base-latency-ms': { type: 'string' },
    'latency-jitter': { type: 'string' },
    'error-rate': { type: 'string' },
    burst: { type: 'string' },
    'max-queue-ms': { type: 'string' },
    'overload-status': { type: 'string' },
    'overload-error-rate': { type: 'string' },
    'batch-message-cost': { type: 'string' },
    secret: { type: 'string' },
    seed: { type: 'string' },
  },
  strict: true,
});

const num = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${value}`);
  return n;
};

const config: Partial<DownstreamConfig> = {
  capacity: num('capacity', values.capacity),
  baseLatencyMs: num('base-latency-ms', values['base-latency-ms']),
  latencyJitter: num('latency-jitter', values['latency-jitter']),
  errorRate: num('error-rate', values['error-rate']),
  burst: num('burst', values.burst),
  maxQueueMs: num('max-queue-ms', values['max-queue-ms']),
  overloadStatus: num('overload-status', values['overload-status']) as 429 | 503 | undefined,
  overloadErrorRate: num('overload-error-rate', values['overload-error-rate']),
  batchMessageCost: num('batch-message-cost', values['batch-message-cost']),
};
const seed = num('seed', values.seed);

const running = await startDownstream({
  config,
  port: num('port', values.port) ?? 0,
  ...(values.secret === undefined ? {} : { secret: values.secret }),
  ...(seed === undefined ? {} : { random: mulberry32(seed) }),
});
process.stdout.write(`${JSON.stringify({ port: running.port, url: running.url })}\n`);

const stop = () => void running.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
