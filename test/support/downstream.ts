import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { DownstreamConfig } from '../../bench/downstream/downstream-model.js';
import type { DownstreamStatsSnapshot } from '../../bench/downstream/downstream-stats.js';

const SERVER = fileURLToPath(new URL('../../bench/downstream/server.ts', import.meta.url));

export interface DownstreamProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  deliverUrl: string;
  control(patch: Partial<DownstreamConfig>): Promise<DownstreamConfig>;
  stats(): Promise<DownstreamStatsSnapshot & { config: DownstreamConfig }>;
  reset(): Promise<void>;
  /** Signs with the process's secret (if any) and POSTs to /deliver. */
  deliver(body: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts `bench/downstream/server.ts` as a separate process and waits for its port. */
export async function startDownstreamProcess(options: { secret?: string; args?: string[] } = {}): Promise<DownstreamProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, '--port', '0', ...(options.secret ? ['--secret', options.secret] : []), ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  for await (const chunk of child.stdout) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  if (!out.includes('\n')) throw new Error(`downstream exited (${child.exitCode}) before printing its port`);
  const { url } = JSON.parse(out.slice(0, out.indexOf('\n'))) as { url: string };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await response.json()) as { config: DownstreamConfig; error?: string };
    if (!response.ok) throw new Error(`${path}: ${response.status} ${json.error ?? ''}`);
    return json;
  };
  return {
    url,
    deliverUrl: `${url}/deliver`,
    control: async (patch) => (await post('/_control', patch)).config,
    stats: async () => (await (await fetch(`${url}/_stats`)).json()) as DownstreamStatsSnapshot & { config: DownstreamConfig },
    reset: async () => void (await post('/_reset', {})),
    deliver(body, headers = {}) {
      const raw = JSON.stringify(body);
      const signature: Record<string, string> = options.secret ? { 'x-flywheel-signature': `sha256=${createHmac('sha256', options.secret).update(raw).digest('hex')}` } : {};
      return fetch(`${url}/deliver`, { method: 'POST', headers: { 'content-type': 'application/json', ...signature, ...headers }, body: raw });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
