// Events/s acknowledged and durably stored through the real HTTP server:
// POST /api/v1/events batches over loopback HTTP to the app (hono on
// @hono/node-server), stored in Postgres (committed before the 200). The
// request bodies are built before the clock starts; the client shares this
// process with the server, so the figure is conservative.
// Usage: npx tsx bench/events-ingest.ts [events=200000] [batch=1000] [inFlight=4]
import { createTestContext } from '../test/support/deps.js';
import { serveApp } from '../test/support/server.js';
import { bearer, TOKENS } from '../test/support/tokens.js';

const EVENTS = Number(process.argv[2] ?? 200_000);
const BATCH = Number(process.argv[3] ?? 1000);
const IN_FLIGHT = Number(process.argv[4] ?? 4);

const ctx = await createTestContext({ config: { database: { poolSize: 10 } } });
const server = await serveApp(ctx.deps);
const FEATURES = ['dashboard', 'export', 'reports', 'tasks', 'invoices', 'search', 'comments', 'integrations'];
const start = Date.parse('2026-11-01T00:00:00Z');

const bodies: string[] = [];
for (let b = 0; b * BATCH < EVENTS; b++) {
  const events = [];
  for (let i = b * BATCH; i < Math.min(EVENTS, (b + 1) * BATCH); i++) {
    events.push({
      id: `ev-${i}`,
      tenantId: `tenant-${i % 500}`,
      userId: `user-${i % 20_000}`,
      type: i % 7 === 0 ? 'session.started' : 'feature.used',
      time: new Date(start + i * 1000).toISOString(),
      properties: { feature: FEATURES[i % FEATURES.length], path: `/app/${FEATURES[i % FEATURES.length]}/${i % 97}`, durationMs: i % 5000, client: 'web' },
    });
  }
  bodies.push(JSON.stringify({ events }));
}
const bytes = bodies.reduce((sum, body) => sum + body.length, 0);

async function send(body: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { ...bearer(TOKENS.operator), 'content-type': 'application/json' }, body });
  const answer = (await res.json()) as { stored?: number };
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(answer)}`);
  return performance.now() - started;
}

// Warm-up on a separate id range (JIT, pool connections), not counted.
const warmup = JSON.stringify({ events: Array.from({ length: BATCH }, (_, i) => ({ id: `warm-${i}`, tenantId: 't', type: 'warm', time: new Date(start).toISOString() })) });
for (let i = 0; i < 3; i++) await send(warmup);

const latencies: number[] = [];
let next = 0;
const wall = performance.now();
await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
  while (next < bodies.length) latencies.push(await send(bodies[next++]!));
}));
const seconds = (performance.now() - wall) / 1000;

// Durable means in Postgres: count what is really there.
const stored = await ctx.deps.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'like', 'ev-%').executeTakeFirstOrThrow();
// A resend of the first tenth: acknowledged, stored once.
const resendWall = performance.now();
let resent = 0;
for (const body of bodies.slice(0, Math.max(1, Math.floor(bodies.length / 10)))) {
  await send(body);
  resent += BATCH;
}
const resendSeconds = (performance.now() - resendWall) / 1000;
const after = await ctx.deps.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'like', 'ev-%').executeTakeFirstOrThrow();

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
console.log(`command: npx tsx bench/events-ingest.ts ${EVENTS} ${BATCH} ${IN_FLIGHT}`);
console.log(`events: ${EVENTS} in ${bodies.length} batches of ${BATCH}, ${IN_FLIGHT} in flight, ${(bytes / 1e6).toFixed(1)} MB of JSON`);
console.log(`acknowledged and durable: ${(EVENTS / seconds).toFixed(0)} events/s (${seconds.toFixed(2)} s); rows in Postgres: ${Number(stored.n)}`);
console.log(`per-batch latency: p50 ${pct(50).toFixed(1)} ms, p90 ${pct(90).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
console.log(`resend of ${resent} events (all duplicates): ${(resent / resendSeconds).toFixed(0)} events/s, rows after: ${Number(after.n)}`);
if (Number(stored.n) !== EVENTS || Number(after.n) !== EVENTS) throw new Error('stored count does not match');
await server.close();
await ctx.cleanup();
