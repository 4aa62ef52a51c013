// Helpers the benches share: the Procfile's compiled build, the simulated downstream, RSS.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** VmRSS of a process in MB; 0 when it is gone. */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The Procfile runs `node dist/src/entry/<role>.js`: compiles the same way (tsconfig.build.json)
 * into a fresh folder under .scratch/ (git-ignored; inside the repo so node_modules resolve).
 * The caller removes it.
 */
export async function compileForBench(note: (line: string) => void): Promise<string> {
  const outDir = join('.scratch', `bench-dist-${randomBytes(4).toString('hex')}`);
  note(`compiling (tsc -p tsconfig.build.json --outDir ${outDir})`);
  const tsc = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', outDir, '--sourceMap', 'false'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  tsc.stdout!.on('data', (c: Buffer) => (output += String(c)));
  tsc.stderr!.on('data', (c: Buffer) => (output += String(c)));
  const [code] = (await once(tsc, 'exit')) as [number | null];
  // tsc emits despite type errors elsewhere in the tree; only a missing entry point is fatal.
  if (!existsSync(join(outDir, 'src/entry/worker.js'))) throw new Error(`tsc exited ${code} without emitting:\n${output.slice(0, 2000)}`);
  return outDir;
}

export interface BenchDownstream {
  url: string;
  child: ChildProcess;
  control(patch: Record<string, number>): Promise<unknown>;
}

/** bench/downstream/server.ts in a process of its own. */
export async function startDownstream(secret: string): Promise<BenchDownstream> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/downstream/server.ts', '--secret', secret], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  const { url } = JSON.parse(out.slice(0, out.indexOf('\n'))) as { url: string };
  return {
    url,
    child,
    async control(patch) {
      const res = await fetch(`${url}/_control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
      if (!res.ok) throw new Error(`downstream /_control: ${res.status} ${await res.text()}`);
      return res.json();
    },
  };
}
