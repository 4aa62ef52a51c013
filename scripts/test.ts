// Runs every test/**/*.test.ts(x) with node:test under tsx. Tests need a real
// Redis and Postgres: a local redis-server is started when REDIS_URL does not
// answer; Postgres must be reachable at TEST_DATABASE_URL, or this says how to get it.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ensureRedis, type LocalRedis, RedisUnavailableError } from '../src/redis/local-server.js';

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'artifacts' || name === 'fixtures' ? [] : findTests(path);
    return /\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

async function checkPostgres(url: string) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    process.stderr.write(
      `Postgres is not reachable at ${url} (${(error as Error).message}).\n` +
        'Install and start it (Debian/Ubuntu: apt-get install postgresql, then create a role and a database "test"; ' +
        'bash .ci/run does this), or set TEST_DATABASE_URL to a database where this user may create schemas.\n',
    );
    process.exit(1);
  } finally {
    await client.end().catch(() => {});
  }
}

const files = process.argv.length > 2 ? process.argv.slice(2) : findTests('test').sort();
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
await checkPostgres(databaseUrl);
let redis: LocalRedis;
try {
  redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { startLocal: true, dir: '.flywheel/test-redis' });
} catch (error) {
  if (error instanceof RedisUnavailableError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
// Files that run the whole demo (one asserts its 60 s wall-clock bound) run after the others, one at a
// time, so that the suite's own parallel files do not count against the bounds they check.
const ALONE = new Set(['test/demo/demo.test.ts', 'test/web/dashboard-walk.test.ts']);
const isAlone = (file: string) => ALONE.has(file.replace(/^\.\//, ''));

function runTests(batch: string[], concurrency: number): Promise<number> {
  if (batch.length === 0) return Promise.resolve(0);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=180000', '--test-reporter=spec', ...batch],
    { stdio: 'inherit', env: { ...process.env, REDIS_URL: redis.url, TEST_DATABASE_URL: databaseUrl } },
  );
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

const shared = await runTests(
  files.filter((f) => !isAlone(f)),
  3,
);
const alone = await runTests(files.filter(isAlone), 1);
await redis.stop();
process.exit(shared || alone);
