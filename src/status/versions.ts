import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const PACKAGES = ['bullmq', 'ioredis', 'hono', 'kysely', 'pg', 'grammy', 'natural', '@bull-board/api'];

let cached: Readonly<Record<string, string>> | null = null;

/**
 * Installed versions of the runtime and the main dependencies, as status reports them.
 * Read from disk once: they cannot change while the process runs, and the dashboard's
 * overview asks on every refresh (nine synchronous file reads each time).
 */
export function versions(): Record<string, string> {
  if (!cached) {
    const found: Record<string, string> = { node: process.version, flywheel: ownVersion() };
    for (const name of PACKAGES) found[name] = packageVersion(name) ?? 'unknown';
    cached = Object.freeze(found);
  }
  return { ...cached };
}

function ownVersion(): string {
  let dir = dirname(new URL(import.meta.url).pathname);
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'flywheel') return pkg.version ?? 'unknown';
    } catch {
      // keep walking up
    }
  }
  return 'unknown';
}

function packageVersion(name: string): string | null {
  try {
    let dir = dirname(require.resolve(name));
    for (let i = 0; i < 6; i++, dir = dirname(dir)) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? null;
      } catch {
        // keep walking up
      }
    }
  } catch {
    return null;
  }
  return null;
}
