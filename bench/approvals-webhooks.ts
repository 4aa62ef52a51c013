// External approval requests end to end: N requests filed as an outside system would
// (with a callbackUrl), each decided by a person on the console, and the decision webhook
// received by a local receiver. Measures decided → webhook received, and decisions/s, with
// K in flight; the baseline in the same run is the same decisions with no callbackUrl
// (no webhook), so the ratio is what the webhook path costs.
// Usage: npx tsx bench/approvals-webhooks.ts [requests=1000] [inFlight=10]
import { createServer } from 'node:http';
import { fileExternal } from '../src/approvals/external.js';
import { recordDecision } from '../src/approvals/record-decision.js';
import { createTestContext } from '../test/support/deps.js';
import { startTestWorkers } from '../test/support/workers.js';

const REQUESTS = Number(process.argv[2] ?? 1000);
const IN_FLIGHT = Number(process.argv[3] ?? 10);

const received = new Map<string, number>();
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const eventId = String(req.headers['x-flywheel-event-id']);
    if (!received.has(eventId)) received.set(eventId, performance.now());
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const callbackUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

const ctx = await createTestContext({
  config: {
    auth: {
      tokens: [
        { name: 'bench-agent', id: 'bench', token: 'bench-agent-token-0123456789abcdef', roles: ['agent'], webhookSecret: 'bench-webhook-secret-0123456789' },
      ],
    },
    workers: { concurrency: { 'approval-webhooks': 16 } },
    // config.database.poolSize's default, as a deployed process has it (the test support's 4 suits many test files at once).
    database: { poolSize: 10 },
  },
});
const workers = await startTestWorkers(ctx);
const client = { tokenId: 'bench', name: 'bench-agent', person: 'bench-agent' };

async function file(i: number, withHook: boolean) {
  const { row } = await fileExternal(
    ctx.deps,
    { kind: 'bench.strategy.apply', title: `bench ${i}`, summary: '', payload: { i }, priority: 'normal', ...(withHook ? { callbackUrl } : {}) },
    client,
    `bench-${withHook ? 'hook' : 'plain'}-${i}`,
  );
  return row;
}

async function run(withHook: boolean) {
  const rows: Awaited<ReturnType<typeof file>>[] = [];
  for (let i = 0; i < REQUESTS; i += IN_FLIGHT)
    rows.push(...(await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, REQUESTS - i) }, (_, j) => file(i + j, withHook)))));
  const latencies: number[] = [];
  let next = 0;
  const wall = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        const decided = performance.now();
        await recordDecision(ctx.deps, row.id, {
          channel: 'console',
          actor: 'alice',
          actorRoles: ['approver'],
          decision: 'approve',
          reason: '',
          payloadHash: row.payload_hash,
        });
        if (!withHook) continue;
        const eventId = `${row.id}.approved`;
        while (!received.has(eventId)) await new Promise((resolve) => setImmediate(resolve));
        latencies.push(received.get(eventId)! - decided);
      }
    }),
  );
  const seconds = (performance.now() - wall) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? Number.NaN;
  return { perSec: rows.length / seconds, p50: pct(50), p90: pct(90), p99: pct(99), max: latencies.at(-1) ?? Number.NaN };
}

const baseline = await run(false);
const hooked = await run(true);
console.log(`command: npx tsx bench/approvals-webhooks.ts ${REQUESTS} ${IN_FLIGHT}`);
console.log(`baseline (no callbackUrl): ${baseline.perSec.toFixed(0)} decisions/s`);
console.log(`with webhooks: ${hooked.perSec.toFixed(0)} decisions/s (ratio ${(hooked.perSec / baseline.perSec).toFixed(2)} of baseline)`);
console.log(
  `decided -> webhook received: p50 ${hooked.p50.toFixed(1)} ms, p90 ${hooked.p90.toFixed(1)} ms, p99 ${hooked.p99.toFixed(1)} ms, max ${hooked.max.toFixed(1)} ms`,
);
await workers.stop();
await ctx.cleanup();
await new Promise<void>((resolve) => receiver.close(() => resolve()));
