import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../src/redis/local-server.js';
import { uniqueName } from './services.js';

/** The bin folder of an installed Postgres with initdb and pg_ctl (Debian: /usr/lib/postgresql/<major>/bin), or null. */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  for (const major of readdirSync(root).sort().reverse()) {
    const bin = join(root, major, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

export interface PrivatePostgres {
  /** postgres:// URL of its `test` database, superuser `root`, trust auth. */
  url: string;
  /** A schema of its own in that database, as createSchema gives on the shared one. */
  schema(): Promise<{ schema: string; drop(): Promise<void> }>;
  /** pg_ctl restart -m fast: every connection is terminated, the server is back when this returns. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A Postgres cluster of this test's own (initdb + pg_ctl on a temporary folder and a free
 * port), for faults the shared server must not see: restarting it would break everyone's
 * tests. Runs as the `postgres` user, since initdb refuses root.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('no Postgres server binaries (initdb, pg_ctl) under /usr/lib/postgresql');
  const ids = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? { uid: ids('-u'), gid: ids('-g') } : {};
  const dir = mkdtempSync(join(tmpdir(), 'fw-pg-'));
  if (asRoot) chownSync(dir, owner.uid!, owner.gid!);
  const data = join(dir, 'data');
  const run = (tool: string, args: string[]) => {
    const out = spawnSync(join(bin, tool), args, { ...owner, encoding: 'utf8', cwd: dir });
    if (out.status !== 0) throw new Error(`${tool} failed: ${out.stderr || out.stdout}`);
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'root', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const pgCtl = (...args: string[]) => run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', options, ...args]);
  pgCtl('start');
  const admin = `postgres://root@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query('create database test');
  await client.end();
  const url = `postgres://root@127.0.0.1:${port}/test`;
  const query = async (text: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  };
  let stopped = false;
  return {
    url,
    async schema() {
      const schema = uniqueName('t');
      await query(`create schema ${schema}`);
      return { schema, drop: () => query(`drop schema if exists ${schema} cascade`) };
    },
    async restart() {
      pgCtl('restart', '-m', 'fast');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-w', '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
