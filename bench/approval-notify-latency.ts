// Latency from an approval request being created (propose) to the Telegram Bot
// API receiving its sendMessage, over N requests, against a fake Bot API on loopback.
// Usage: npx tsx bench/approval-notify-latency.ts [requests=1000] [inFlight=10]
import { propose } from '../src/approvals/propose.js';
import { createTestContext } from '../test/support/deps.js';
import { FakeTelegram } from '../test/support/fake-telegram.js';
import { recordingAction } from '../test/support/recording-action.js';
import { startTestWorkers } from '../test/support/workers.js';

const REQUESTS = Number(process.argv[2] ?? 1000);
const IN_FLIGHT = Number(process.argv[3] ?? 10);

const telegram = await new FakeTelegram().start();
const ctx = await createTestContext({
  extraActions: [recordingAction('campaign.launch').handler],
  config: {
    telegram: { enabled: true, botToken: '1:BENCH', webhookSecret: 'bench-secret-0123', apiRoot: telegram.apiRoot, approverChats: [1] },
    workers: { concurrency: { telegram: 8, approvals: 4 } },
  },
});
const workers = await startTestWorkers(ctx);

const latencies: number[] = [];
const arrived = new Map<string, number>();
const originalPush = telegram.calls.push.bind(telegram.calls);
telegram.calls.push = (...calls) => {
  for (const call of calls) {
    const id = /ID: ([0-9a-f-]{36})/.exec(String(call.params.text ?? ''))?.[1];
    if (call.method === 'sendMessage' && id) arrived.set(id, performance.now());
  }
  return originalPush(...calls);
};

async function one(i: number) {
  const started = performance.now();
  const outcome = await propose(ctx.deps, {
    kind: 'campaign.launch',
    proposer: 'growth',
    params: { name: `bench-${i}`, audienceSize: 20_000, budget: 10 },
    traceId: `bench-${i}`,
    summary: `bench ${i}`,
  });
  if (outcome.outcome !== 'approval_requested') throw new Error(`expected a request, got ${outcome.outcome}`);
  const id = outcome.request.id;
  while (!arrived.has(id)) await new Promise((resolve) => setTimeout(resolve, 1));
  latencies.push(arrived.get(id)! - started);
}

const wall = performance.now();
let next = 0;
await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
  while (next < REQUESTS) await one(next++);
}));
const seconds = (performance.now() - wall) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
console.log(`command: npx tsx bench/approval-notify-latency.ts ${REQUESTS} ${IN_FLIGHT}`);
console.log(`requests: ${latencies.length}, ${IN_FLIGHT} in flight, ${(latencies.length / seconds).toFixed(0)} requests/s`);
console.log(`request created -> sendMessage received: p50 ${pct(50).toFixed(1)} ms, p90 ${pct(90).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`);
await workers.stop();
await ctx.cleanup();
await telegram.stop();
