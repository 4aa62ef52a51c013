import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const SOURCES = ['src', 'queues', 'workers', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
const LOCK = 'dist.building';

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const upToDate = () => existsSync('dist/src/entry/web.js') && newestMtime('dist') >= Math.max(...SOURCES.map(newestMtime));

/**
 * The compiled build the Procfile runs (`node dist/...`), built at most once
 * however many test files need it at the same time: the first takes a lock
 * directory and compiles, the others wait for it; an up-to-date dist is reused.
 */
export async function buildOnce(timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (upToDate()) return;
    try {
      mkdirSync(LOCK);
    } catch {
      if (Date.now() > deadline) throw new Error(`${LOCK} is held for too long; remove it if no build runs`);
      await delay(500);
      continue;
    }
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
      return;
    } finally {
      rmdirSync(LOCK);
    }
  }
}
