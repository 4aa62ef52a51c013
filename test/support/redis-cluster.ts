import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findRedisServer } from '../../src/redis/local-server.js';
import { waitFor } from './wait-for.js';

export interface ClusterNode {
  port: number;
  child: ChildProcess;
}

/** A throwaway Redis Cluster on loopback ports: `masters` shards, each with `replicasPerMaster` replicas. */
export interface LocalCluster {
  /** REDIS_URL for it: every node as a comma-separated seed list. */
  url: string;
  nodes: ClusterNode[];
  /** The node that serves a key's slot now. */
  masterFor(key: string): Promise<ClusterNode>;
  /** kill -9 a node, as a crashed machine would go. */
  kill(node: ClusterNode): Promise<void>;
  /** Waits until every slot is served by a live master again. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes the data folder; safe to call twice. */
  stop(): Promise<void>;
}

const NODE_TIMEOUT_MS = 1500;

function run(binary: string, args: string[]) {
  return spawnSync(binary, args, { encoding: 'utf8', timeout: 30_000 });
}

/**
 * Why a local cluster cannot be started here, or null when it can: redis-server and
 * redis-cli must exist, and a redis-server started with `--cluster-enabled yes` must answer
 * CLUSTER INFO.
 */
export async function clusterUnsupported(): Promise<string | null> {
  const server = findRedisServer();
  if (!server) return 'redis-server is not installed (apt-get install redis-server)';
  if (run('sh', ['-c', 'command -v redis-cli']).status !== 0) return 'redis-cli is not installed (apt-get install redis-tools)';
  const version = /v=(\d+)\./.exec(run(server, ['--version']).stdout)?.[1];
  if (!version || Number(version) < 5) return `redis-server ${version ?? '?'} is older than 5 (redis-cli --cluster create needs 5+)`;
  const dir = mkdtempSync(join(tmpdir(), 'fw-cluster-probe-'));
  const [port] = await clusterPorts(1);
  let output = '';
  const child = spawn(server, ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--save', '', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    const answered = await waitFor(async () => {
      if (child.exitCode !== null) return 'exited';
      try {
        if (redis.status !== 'ready') await redis.connect();
        return String(await redis.call('CLUSTER', 'INFO')).includes('cluster_state') ? 'ok' : 'exited';
      } catch (error) {
        return /cluster support disabled|unknown command/i.test(String(error)) ? 'exited' : false;
      }
    }, { timeoutMs: 10_000, what: 'a cluster-enabled redis-server' }).catch(() => 'timeout');
    return answered === 'ok' ? null : `${server} lacks Redis Cluster support (${output.trim().split('\n').slice(-1)[0] ?? answered})`;
  } finally {
    redis.disconnect();
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Ports p whose cluster bus port p + 10000 is free too. */
async function clusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (ports.includes(port)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) ports.push(port);
  }
  return ports;
}

export async function startLocalCluster(options: { masters?: number; replicasPerMaster?: number } = {}): Promise<LocalCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 1;
  const server = findRedisServer();
  if (!server) throw new Error('redis-server is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'fw-cluster-'));
  const ports = await clusterPorts(masters * (1 + replicas));
  const nodes: ClusterNode[] = ports.map((port) => ({
    port,
    child: spawn(
      server,
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', String(NODE_TIMEOUT_MS), '--cluster-require-full-coverage', 'no',
        '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--dir', dir],
      { stdio: 'ignore' },
    ),
  }));
  const killAll = () => nodes.forEach((node) => node.child.kill('SIGKILL'));
  // However the test process ends, its cluster ends with it.
  process.once('exit', killAll);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(nodes.map((node) => (node.child.exitCode !== null || node.child.signalCode !== null ? undefined : new Promise((resolve) => {
      node.child.once('exit', resolve);
      node.child.kill('SIGKILL');
    }))));
    process.removeListener('exit', killAll);
    rmSync(dir, { recursive: true, force: true });
  };
  const admin = (port: number) => {
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    redis.on('error', () => {});
    return redis;
  };
  const call = async <T>(port: number, ...args: [string, ...(string | number)[]]): Promise<T> => {
    const redis = admin(port);
    try {
      await redis.connect();
      return (await redis.call(...args)) as T;
    } finally {
      redis.disconnect();
    }
  };
  const alive = (node: ClusterNode) => node.child.exitCode === null && node.child.signalCode === null;
  const clusterInfo = async (port: number) => call<string>(port, 'CLUSTER', 'INFO').catch(() => '');
  const waitHealthy = async (timeoutMs = 30_000) => {
    await waitFor(async () => {
      const live = nodes.filter(alive);
      const infos = await Promise.all(live.map((node) => clusterInfo(node.port)));
      if (!infos.every((info) => info.includes('cluster_state:ok') && info.includes(`cluster_slots_ok:16384`))) return false;
      // Every live node agrees that each shard's master is alive (a promoted replica is announced).
      const slots = await call<[number, number, [string, number, string]][]>(live[0]!.port, 'CLUSTER', 'SLOTS');
      return slots.every((range) => live.some((node) => node.port === range[2][1]));
    }, { timeoutMs, what: 'the Redis Cluster to be healthy' });
  };
  try {
    await waitFor(async () => (await Promise.all(nodes.map((node) => call<string>(node.port, 'PING').catch(() => '')))).every((r) => r === 'PONG'), {
      timeoutMs: 15_000,
      what: 'cluster nodes to start',
    });
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}${created.stderr}`);
    await waitHealthy(60_000);
    // Replicas must be in sync before a failover can keep what their master held.
    await waitFor(async () => {
      const infos = await Promise.all(nodes.map((node) => call<string>(node.port, 'INFO', 'replication')));
      return infos.filter((info) => info.includes('role:slave')).every((info) => info.includes('master_link_status:up'));
    }, { timeoutMs: 30_000, what: 'replicas to sync' });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: ports.map((port) => `redis://127.0.0.1:${port}`).join(','),
    nodes,
    async masterFor(key) {
      const live = nodes.find(alive)!;
      const slot = await call<number>(live.port, 'CLUSTER', 'KEYSLOT', key);
      const slots = await call<[number, number, [string, number, string]][]>(live.port, 'CLUSTER', 'SLOTS');
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      const node = nodes.find((n) => n.port === range?.[2][1]);
      if (!node) throw new Error(`no master serves slot ${slot}`);
      return node;
    },
    async kill(node) {
      if (!alive(node)) return;
      await new Promise((resolve) => {
        node.child.once('exit', resolve);
        node.child.kill('SIGKILL');
      });
    },
    waitHealthy,
    stop,
  };
}
