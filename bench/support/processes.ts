// Helpers the benches share: the Procfile's compiled build, the simulated downstream, RSS.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DownstreamStatsSnapshot, TimeBucket } from '../downstream/downstream-stats.js';

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A process's name and the fields after it in /proc/<pid>/stat; null when it is gone or not ours to read. */
function procStat(pid: number | string): { comm: string; fields: string[] } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return { comm: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) in a process's stat fields, with what its exited children used when asked. */
function cpuOfStat(stat: { fields: string[] } | null, withExitedChildren: boolean): number {
  if (!stat) return 0;
  const [utime, stime, cutime, cstime] = stat.fields.slice(11, 15).map(Number) as [number, number, number, number];
  return (withExitedChildren ? utime + stime + cutime + cstime : utime + stime) / 100;
}

/** CPU seconds (user + system) a process has used so far, with what its exited children used when asked; 0 when it is gone. */
export function cpuSec(pid: number | string, withExitedChildren = false): number {
  return cpuOfStat(procStat(pid), withExitedChildren);
}

/**
 * CPU seconds used by every process of the Postgres server on this machine (backends, and the
 * postmaster with what its exited children used): the whole server, whoever else uses it.
 */
export function postgresCpuSec(): number {
  let sec = 0;
  for (const pid of readdirSync('/proc')) {
    const stat = /^\d+$/.test(pid) ? procStat(pid) : null;
    if (stat?.comm === 'postgres') sec += cpuOfStat(stat, true);
  }
  return sec;
}

/** VmRSS of a process in MB; 0 when it is gone. */
export function rssMb(pid: number): number {
  return statusMb(pid, 'VmRSS');
}

/** The most RSS a process has had since it started (the kernel's high-water mark: no spike between two samples is missed). */
export function peakRssMb(pid: number): number {
  return statusMb(pid, 'VmHWM');
}

function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
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

/** What bench/downstream/server.ts answers on GET /_stats (the fields benches read). */
export type BenchDownstreamStats = Pick<
  DownstreamStatsSnapshot,
  'received' | 'ok' | 'refused' | 'errors' | 'unauthorized' | 'badRequests' | 'probes' | 'messagesDelivered' | 'maxInFlight' | 'idempotency'
> & { buckets?: TimeBucket[] };

export interface BenchDownstream {
  url: string;
  child: ChildProcess;
  /** Changes the model live; `appliedAt` is when it took effect, on the downstream's clock (the host's). */
  control(patch: Record<string, number>): Promise<{ appliedAt: number }>;
  /** Forgets the stats and the queue, not the config. */
  reset(): Promise<void>;
  /** Counters so far; with a query, also delivery counts in buckets of `bucketMs` from `from` to `to`. */
  stats(query?: { from: number; to: number; bucketMs: number }): Promise<BenchDownstreamStats>;
}

/**
 * bench/downstream/server.ts in a process of its own; `args` are its command-line flags (e.g. `--max-queue-ms`).
 * `ownSession`: in a session of its own as well (see big-campaign.ts).
 */
export async function startDownstream(secret: string, args: readonly string[] = [], { ownSession = false } = {}): Promise<BenchDownstream> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/downstream/server.ts', '--secret', secret, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: ownSession,
  });
  let out = '';
  for await (const chunk of child.stdout!) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  const { url } = JSON.parse(out.slice(0, out.indexOf('\n'))) as { url: string };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`downstream ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    url,
    child,
    control: (patch) => post('/_control', patch) as Promise<{ appliedAt: number }>,
    reset: async () => void (await post('/_reset', {})),
    async stats(query) {
      const qs = query ? `?from=${Math.floor(query.from)}&to=${Math.floor(query.to)}&bucketMs=${query.bucketMs}` : '';
      return (await (await fetch(`${url}/_stats${qs}`)).json()) as BenchDownstreamStats;
    },
  };
}

/** Every pid under `pid` (tsx's esbuild service runs as a child of the node process). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const kid of kids ? kids.split(/\s+/).map(Number) : []) out.push(kid, ...descendants(kid));
    }
  } catch {
    // gone
  }
  return out;
}
