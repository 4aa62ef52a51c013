import { DownstreamClient } from '../../src/downstream/client.js';

/**
 * The physical limit of single mode: signed single-recipient requests to `url` through the delivery
 * path's own DownstreamClient (a keep-alive undici Pool), `inFlight` at once, nothing else: no Redis,
 * no Postgres, no queue. Requests/s and this process's CPU µs per request; throws if any failed.
 */
export async function keepAliveRequests(url: string, secret: string, requests: number, inFlight: number): Promise<{ perSec: number; cpuUs: number }> {
  const client = new DownstreamClient({ connectionsPerOrigin: 128 });
  const channel = { url, mode: 'single', maxBatch: 1, timeoutMs: 10_000, headers: {} } as unknown as Parameters<DownstreamClient['request']>[0];
  const campaignId = `keepalive-${process.pid}-${Date.now()}`;
  let next = 0;
  let failed = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < requests) {
        const i = next++;
        const userId = `u${i}`;
        const idempotencyKey = `${campaignId}:${userId}`;
        const body = { campaignId, userId, idempotencyKey, text: `Hi user ${i}`, reward: { mechanism: 'points', amount: 10 }, arm: null };
        const result = await client.request(channel, secret, { campaignId, idempotencyKey, body });
        if (!result.ok) failed += 1;
      }
    }),
  );
  const perSec = requests / ((performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpu0);
  await client.close();
  if (failed > 0) throw new Error(`keep-alive requests: ${failed} of ${requests} failed`);
  return { perSec, cpuUs: (cpu.user + cpu.system) / requests };
}

// Run as a process of its own: `node [flags] --import tsx bench/support/keep-alive-requests.ts <url> <secret> <requests> <inFlight> <runs>`
// prints one JSON line per run (bench/keep-alive-flags.ts).
if (process.argv[1]?.endsWith('keep-alive-requests.ts') && process.argv.length >= 7) {
  const [url, secret, requests, inFlight, runs] = process.argv.slice(2);
  for (let r = 0; r < Number(runs); r++)
    process.stdout.write(`${JSON.stringify(await keepAliveRequests(url!, secret!, Number(requests), Number(inFlight)))}\n`);
}
