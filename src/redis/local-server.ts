import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

export interface LocalRedis {
  url: string;
  /** Present when this process started a redis-server child. */
  stop(): Promise<void>;
}

/**
 * Returns a reachable Redis: the one at `url`, or, when it does not answer and
 * `startLocal` is set, a `redis-server` child on a free port. Fails with a
 * message that says what to install when neither is possible.
 */
export async function ensureRedis(url: string, options: { startLocal: boolean; dir: string }): Promise<LocalRedis> {
  if (await answersPing(url)) return { url, stop: async () => {} };
  if (!options.startLocal) {
    // web, worker and bot share the Redis of a deployment: starting a private one would split the system.
    throw new RedisUnavailableError(
      `Redis is not reachable at ${safeUrl(url)}: start Redis (e.g. redis-server, or systemctl start redis-server) ` +
        'or set REDIS_URL to a running one.',
    );
  }
  const binary = findRedisServer();
  if (!binary) {
    throw new RedisUnavailableError(
      `Redis is not reachable at ${safeUrl(url)}, and redis-server is not installed to start one. Install Redis ` +
        '(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), or set REDIS_URL to a reachable Redis.',
    );
  }
  mkdirSync(options.dir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--maxmemory-policy', 'noeviction', '--dir', options.dir],
    { stdio: 'ignore' },
  );
  // However this process ends (a shutdown deadline calls process.exit), its redis-server ends too.
  process.once('exit', () => child.kill('SIGKILL'));
  const localUrl = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await answersPing(localUrl)) return { url: localUrl, stop: () => stopChild(child) };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`redis-server (${binary}) did not start on port ${port}`);
}

/** The path of an installed redis-server, or null. */
export function findRedisServer(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : null;
}

/** A bare RESP PING over TCP, so probing needs no client library and never retries. */
function answersPing(url: string): Promise<boolean> {
  let host = '127.0.0.1';
  let port = 6379;
  try {
    const parsed = new URL(url);
    host = parsed.hostname || host;
    port = Number(parsed.port || 6379);
    if (parsed.protocol === 'rediss:' || parsed.password) return Promise.resolve(true); // let the client judge
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG') || data.toString().startsWith('-NOAUTH')));
  });
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = 'redacted';
    return parsed.toString();
  } catch {
    return url;
  }
}
