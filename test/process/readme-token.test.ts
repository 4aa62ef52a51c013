import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { freePort } from '../../src/redis/local-server.js';
import { createSchema, deleteRedisPrefix, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from '../support/services.js';

/** The README's quick-start block that sets the admin token. */
function tokenExample(): string {
  const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.includes('FLYWHEEL_ADMIN_TOKEN=$(openssl'));
  assert.ok(block, 'README has no token example');
  return block;
}

describe("the README's token example", { timeout: 300_000 }, () => {
  const prefix = uniqueName('fwreadme');
  let drop = async () => {};
  after(async () => {
    await deleteRedisPrefix(prefix);
    await drop();
  });

  it('works as written: the curl with the exported token gets the status, not 401', async () => {
    const schema = await createSchema();
    drop = schema.drop;
    const port = await freePort();
    const database = new URL(TEST_DATABASE_URL);
    database.searchParams.set('options', `-c search_path=${schema.schema}`);
    // Only the port differs from what a reader types; the last command's output is the status JSON.
    const script = `set -e\n${tokenExample().replaceAll('localhost:3000', `localhost:${port}`)}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATABASE_URL: database.toString(), REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn' };
    for (const name of ['FLYWHEEL_ADMIN_TOKEN', 'FLYWHEEL_CONFIG', 'NODE_TEST_CONTEXT']) delete env[name];
    const child = spawn('bash', ['-c', script], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM'); // the backgrounded npm start, and what it started
    assert.equal(code, 0, stderr);
    const status = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    assert.ok('components' in status || 'redis' in status, stdout);
  });
});
