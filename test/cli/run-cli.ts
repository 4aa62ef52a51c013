import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/flywheel.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs bin/flywheel.js as a child process against `url()`, asynchronously (the
 * service answering it runs in the test's own process).
 */
export function cliRunner(url: () => string, defaultToken: string) {
  function cli(args: string[], token: string = defaultToken, env: Record<string, string> = {}): Promise<CliRun> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { env: { ...process.env, FLYWHEEL_URL: url(), FLYWHEEL_TOKEN: token, ...env }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
  }

  /** Runs with --json, asserts exit 0, and parses stdout. */
  async function json<T>(args: string[], token?: string): Promise<T> {
    const run = await cli([...args, '--json'], token);
    assert.equal(run.code, 0, `flywheel ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  }

  return { cli, json };
}
