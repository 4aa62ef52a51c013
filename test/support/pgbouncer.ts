import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../src/redis/local-server.js';
import { waitFor } from './wait-for.js';

/** The pgbouncer binary (Debian installs it in /usr/sbin, often not on PATH), or null. */
export function findPgbouncer(): string | null {
  if (existsSync('/usr/sbin/pgbouncer')) return '/usr/sbin/pgbouncer';
  const found = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
}

function unprivilegedUser(): string {
  for (const user of ['postgres', 'nobody']) {
    if (spawnSync('id', ['-u', user]).status === 0) return user;
  }
  throw new Error('pgbouncer will not run as root, and there is no postgres or nobody user to run it as');
}

export interface LocalPgbouncer {
  /** postgres:// URL of the pooled database, through pgbouncer. */
  url: string;
  /** pgbouncer's SHOW STATS row for the pooled database. */
  stats(): Promise<Record<string, string>>;
  /** The local ports of pgbouncer's connections to Postgres (pg_stat_activity.client_port). */
  serverPorts(): Promise<number[]>;
  stop(): Promise<void>;
}

/**
 * A pgbouncer in transaction pooling mode on a free loopback port, in front of `upstream`
 * (a postgres:// URL). Each server connection gets `search_path` = `schema` when it is opened
 * (connect_query), the only session state a pooled connection can keep; clients' own
 * `options` startup parameter is ignored, as a managed pooler would.
 */
export async function startPgbouncer(upstream: string, schema: string): Promise<LocalPgbouncer> {
  const binary = findPgbouncer();
  if (!binary) throw new Error('pgbouncer is not installed');
  const target = new URL(upstream);
  const user = decodeURIComponent(target.username) || process.env.USER || 'root';
  const dir = mkdtempSync(join(tmpdir(), 'fw-pgbouncer-'));
  const port = await freePort();
  const database = 'flywheel';
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${database} = host=${target.hostname} port=${target.port || 5432} dbname=${target.pathname.slice(1)} user=${user} connect_query='SET search_path TO ${schema}'`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      `admin_users = ${user}`,
      'pool_mode = transaction',
      'default_pool_size = 8',
      'max_client_conn = 200',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  // pgbouncer refuses to run as root: there it drops to an unprivileged user (-u), who must
  // read the config and write the log in the folder.
  const asUser = process.getuid?.() === 0 ? unprivilegedUser() : null;
  if (asUser) chmodSync(dir, 0o777);
  let output = '';
  const child: ChildProcess = spawn(binary, [...(asUser ? ['-u', asUser] : []), join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const url = `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`;
  const admin = async <T>(query: string): Promise<T[]> => {
    // The admin console speaks the simple query protocol only.
    const client = new pg.Client({ connectionString: `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/pgbouncer` });
    await client.connect();
    try {
      return (await client.query({ text: query, queryMode: 'simple' } as pg.QueryConfig)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const stop = async () => {
    process.removeListener('exit', kill);
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}): ${output}`);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => {});
      }
    }, { timeoutMs: 15_000, what: 'pgbouncer to accept connections' });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    async stats() {
      const rows = await admin<Record<string, string>>('SHOW STATS');
      return rows.find((row) => row.database === database) ?? {};
    },
    async serverPorts() {
      const rows = await admin<Record<string, string>>('SHOW SERVERS');
      return rows.filter((row) => row.database === database).map((row) => Number(row.local_port));
    },
    stop,
  };
}
