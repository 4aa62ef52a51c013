// Does the worker's Node flag (--liftoff-only, Procfile) change the keep-alive baseline of
// bench/delivery.ts? That baseline runs in the bench's own process, without the flag, while the worker
// runs with it: if the flag made plain requests cheaper, the baseline would be handicapped and the
// single / keep-alive ratio flattered. Each run is a fresh process (bench/support/keep-alive-requests.ts)
// making the same requests twice (cold, then warm), with and without the flag in turn, against one
// no-op downstream (bench/downstream/server.ts) in a session of its own.
//   npx tsx bench/keep-alive-flags.ts [--requests 60000] [--in-flight 128] [--rounds 3]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startDownstream } from './support/processes.js';

const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '60000' }, 'in-flight': { type: 'string', default: '128' }, rounds: { type: 'string', default: '3' } },
});
const SECRET = 'bench-downstream-secret-0123456789';
const workerFlags = (/^worker:\s*node\s+(.*?)\s*dist\/src\/entry\/worker\.js/m.exec(readFileSync('Procfile', 'utf8'))?.[1] ?? '').split(' ').filter(Boolean);
const ds = await startDownstream(SECRET, [], { ownSession: true });
try {
  await ds.control({ capacity: 1e9, baseLatencyMs: 0, latencyJitter: 0, errorRate: 0, overloadErrorRate: 0 });
  console.log(`command: npx tsx bench/keep-alive-flags.ts ${process.argv.slice(2).join(' ')}`.trim());
  console.log(
    `load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}; the worker's flags: ${workerFlags.join(' ') || '(none)'}`,
  );
  console.log('| round | flags | cold requests/s | cold CPU µs/request | warm requests/s | warm CPU µs/request |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (let round = 1; round <= Number(args.rounds); round++) {
    for (const flags of [[], workerFlags]) {
      // A downstream's reset after a pause may find its keep-alive socket closed: once more.
      await ds.reset().catch(() => ds.reset());
      const out = spawnSync(
        process.execPath,
        [...flags, '--import', 'tsx', 'bench/support/keep-alive-requests.ts', `${ds.url}/deliver`, SECRET, args.requests, args['in-flight'], '2'],
        { encoding: 'utf8' },
      );
      if (out.status !== 0) throw new Error(out.stderr);
      const [cold, warm] = out.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { perSec: number; cpuUs: number });
      console.log(
        `| ${round} | ${flags.join(' ') || '(none)'} | ${cold!.perSec.toFixed(0)} | ${cold!.cpuUs.toFixed(1)} | ${warm!.perSec.toFixed(0)} | ${warm!.cpuUs.toFixed(1)} |`,
      );
    }
  }
} finally {
  ds.child.kill();
}
