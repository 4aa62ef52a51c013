// The Procfile's worker as a bench runs it: compiled once per run (or from source), on a
// scenario's config, its RSS sampled while it runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { compileForBench, descendants, rssMb } from './processes.js';

/** What a worker's run left behind: its RSS (max of VmRSS sampled every 250 ms) and its "job failed" log lines. */
export interface WorkerRun {
  maxRssMb: number;
  /** The node process and its children (tsx's esbuild service). */
  maxTreeRssMb: number;
  rssSamples: number;
  jobFailures: number;
}

export interface WorkerProcess {
  pid: number;
  logPath: string;
  /** Stops the worker (SIGTERM, graceful; SIGKILL after 15 s) and the RSS sampler. */
  stop(): Promise<WorkerRun>;
  /** At once, for a bench giving up. */
  kill(): void;
}

/** The node flags of the Procfile's worker line (its heap limits). */
export function procfileWorkerNodeArgs(): string[] {
  const line = /^worker:\s*node\s+(.*?)\s*dist\/src\/entry\/worker\.js/m.exec(readFileSync('Procfile', 'utf8'));
  return (line?.[1] ?? '').split(' ').filter(Boolean);
}

export interface WorkerLauncherOptions {
  /** `dist`: `node dist/src/entry/worker.js` compiled as the Procfile runs it; `tsx`: `node --import tsx src/entry/worker.ts`. */
  from: 'dist' | 'tsx';
  /** Node flags before the entry point (the Procfile's, then any the bench was given). */
  nodeArgs: readonly string[];
  note: (line: string) => void;
}

/** Starts worker processes for a bench; compiles on the first start. `cleanup` kills any still running and removes the build. */
export function workerLauncher(options: WorkerLauncherOptions) {
  let compiled: Promise<string> | undefined;
  const running = new Set<ChildProcess>();
  const entry = async () => {
    if (options.from === 'tsx') return ['--import', 'tsx', 'src/entry/worker.ts'];
    compiled ??= compileForBench(options.note);
    return [join(await compiled, 'src/entry/worker.js')];
  };

  /**
   * A worker on `configYaml` (a test context's), taking `queues` (WORKER_QUEUES); its config and log
   * go in `dir`, under `name`. Resolves once it logged "worker started".
   */
  async function start(configYaml: string, dir: string, queues: string, name = 'worker'): Promise<WorkerProcess> {
    const tree = parseYaml(configYaml) as Record<string, Record<string, unknown>>;
    tree.logging = { level: 'info' };
    // A config file only takes WORKER_QUEUES when it refers to it (as flywheel.example.yaml does).
    tree.workers = { ...tree.workers, queues: '${WORKER_QUEUES:-}' };
    const configPath = join(dir, `${name}.yaml`);
    writeFileSync(configPath, stringifyYaml(tree));
    const logPath = join(dir, `${name}.log`);
    const logFile = createWriteStream(logPath);
    const child = spawn(process.execPath, [...options.nodeArgs, ...(await entry())], {
      env: { ...process.env, FLYWHEEL_CONFIG: configPath, WORKER_QUEUES: queues },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let output = '';
    let jobFailures = 0;
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      logFile.write(text);
      if (output.length < 100_000) output += text;
      if (text.includes('worker started')) markReady();
      jobFailures += text.split('"msg":"job failed"').length - 1;
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const exited = once(child, 'exit');
    await Promise.race([
      ready,
      exited.then(() => {
        throw new Error(`${name} exited before it started:\n${output.slice(-2000)}`);
      }),
      delay(30_000).then(() => {
        throw new Error(`${name} not ready after 30 s:\n${output.slice(-2000)}`);
      }),
    ]);
    let maxRss = 0;
    let maxTree = 0;
    let rssSamples = 0;
    const sample = () => {
      const own = rssMb(child.pid!);
      if (own === 0) return;
      rssSamples++;
      maxRss = Math.max(maxRss, own);
      maxTree = Math.max(maxTree, own + descendants(child.pid!).reduce((sum, pid) => sum + rssMb(pid), 0));
    };
    sample();
    const timer = setInterval(sample, 250);
    return {
      pid: child.pid!,
      logPath,
      async stop() {
        clearInterval(timer);
        sample();
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          await exited;
          clearTimeout(killer);
        }
        running.delete(child);
        logFile.end();
        return { maxRssMb: maxRss, maxTreeRssMb: maxTree, rssSamples, jobFailures };
      },
      kill() {
        clearInterval(timer);
        child.kill('SIGKILL');
      },
    };
  }

  async function cleanup() {
    for (const child of running) child.kill('SIGKILL');
    running.clear();
    const dir = compiled ? await compiled.catch(() => null) : null;
    if (dir) rmSync(dir, { recursive: true, force: true });
  }

  return { start, cleanup };
}
