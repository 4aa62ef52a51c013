import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../../src/db/connect.js';
import { DatabaseUnavailableError } from '../../src/db/connect-errors.js';
import { DatabaseLockedError } from '../../src/db/pglite-lock.js';
import { freePort } from '../../src/redis/local-server.js';
import { runEntry, writeConfigFile } from '../support/entry-process.js';
import type { RunningProcess } from '../support/procfile.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from '../support/services.js';

const withDatabase = (name: string) => {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
};

/** Output of a process that must stop at once: one line, exit 1, no stack trace. */
async function failsWithOneLine(p: RunningProcess): Promise<string> {
  assert.equal(await p.exited, 1, p.output());
  const lines = p.output().trim().split('\n').filter((line) => !line.startsWith('{'));
  assert.equal(lines.length, 1, p.output());
  assert.doesNotMatch(p.output(), /\n\s+at /, 'a stack trace was printed');
  return lines[0]!;
}

describe('first-run failures say what is wrong and what to do', { timeout: 400_000 }, () => {
  const running: RunningProcess[] = [];
  // One embedded database for both lock tests: creating a PGlite folder takes tens of seconds on a loaded machine.
  const pgliteDir = mkdtempSync(join(tmpdir(), 'fw-pglite-'));
  after(() => {
    for (const p of running) p.signal('SIGKILL');
    rmSync(pgliteDir, { recursive: true, force: true });
  });
  const run = (...args: Parameters<typeof runEntry>) => {
    const p = runEntry(...args);
    running.push(p);
    return p;
  };

  it('names an unreachable Postgres by its URL with the password hidden', async () => {
    const port = await freePort();
    const url = `postgres://flywheel:s3cret-pw@127.0.0.1:${port}/app`;
    const error = await openDatabase({ url, pgliteDir: '', poolSize: 1 }).catch((e: unknown) => e);
    assert.ok(error instanceof DatabaseUnavailableError);
    assert.equal(error.message, `Postgres is not reachable at postgres://flywheel:***@127.0.0.1:${port}/app (ECONNREFUSED): start Postgres, or set DATABASE_URL to one that runs`);
  });

  it('says to create a missing database', async () => {
    const name = uniqueName('fw_missing');
    const error = await openDatabase({ url: withDatabase(name), pgliteDir: '', poolSize: 1 }).catch((e: unknown) => e);
    assert.ok(error instanceof DatabaseUnavailableError);
    assert.match(error.message, new RegExp(`has no database "${name}": create it \\(createdb ${name}\\)`));
  });

  it('stops web with that one line, not a pg-pool stack trace', async () => {
    const port = await freePort();
    const line = await failsWithOneLine(
      run('web', { DATABASE_URL: `postgres://root:hunter2-pw@127.0.0.1:${port}/test`, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: uniqueName('fwerr') }),
    );
    assert.match(line, /^flywheel: Postgres is not reachable at postgres:\/\/root:\*\*\*@127\.0\.0\.1:\d+\/test/);
    assert.doesNotMatch(line, /hunter2/);
  });

  it('tells web and worker without Redis to start Redis, never that it is not installed, and starts none', async () => {
    for (const entry of ['web', 'worker'] as const) {
      const port = await freePort();
      const line = await failsWithOneLine(run(entry, { DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: `redis://127.0.0.1:${port}` }));
      assert.match(line, new RegExp(`Redis is not reachable at redis://127\\.0\\.0\\.1:${port}: start Redis`), line);
      assert.doesNotMatch(line, /install/i);
    }
  });

  it('lets one process at a time open a PGlite folder, and takes over the lock of one that is gone', async () => {
    const dir = pgliteDir;
    const first = await openDatabase({ url: '', pgliteDir: dir, poolSize: 1 });
    await assert.rejects(openDatabase({ url: '', pgliteDir: dir, poolSize: 1 }), DatabaseLockedError);
    await first.close();
    writeFileSync(join(dir, 'flywheel.pid'), '999999999\n'); // a process that no longer exists
    const again = await openDatabase({ url: '', pgliteDir: dir, poolSize: 1 });
    await again.close();
  });

  it('stops a second npm start on the same PGlite folder with a clear lock message', async () => {
    const dir = pgliteDir;
    const held = await openDatabase({ url: '', pgliteDir: dir, poolSize: 1 }); // the first Flywheel
    try {
      const config = writeConfigFile({ database: { url: '', pgliteDir: dir }, redis: { url: TEST_REDIS_URL, prefix: uniqueName('fwlock'), startLocal: false }, server: { port: 0 } });
      const line = await failsWithOneLine(run('start', { FLYWHEEL_CONFIG: config }));
      assert.match(line, new RegExp(`embedded database ${dir} is in use by another Flywheel \\(pid ${process.pid}\\)`));
    } finally {
      await held.close();
    }
  });
});
