import type { Command } from '../command.js';
import { table } from '../format.js';

interface Status {
  service: string;
  redis: { ok: boolean; rttMs?: number; evictionPolicy?: string | null; error?: string };
  postgres: { ok: boolean; kind: string; rttMs?: number; error?: string };
  components: Record<string, { enabled: boolean; health: string }>;
  queues: Record<string, Record<string, number>>;
}

const service = (name: string, s: { ok: boolean; rttMs?: number; error?: string }, extra = '') =>
  `${name}: ${s.ok ? 'ok' : 'DOWN'}${s.rttMs === undefined ? '' : ` (${s.rttMs.toFixed(1)} ms)`}${extra}${s.error ? ` ${s.error}` : ''}`;

export const statusCommand: Command = {
  usage: 'status',
  summary: 'Redis and Postgres, components and their health, queue counts',
  async run({ client }) {
    const status = await client.request<Status>('GET', '/api/v1/status');
    const eviction = status.redis.evictionPolicy && status.redis.evictionPolicy !== 'noeviction' ? ` maxmemory-policy ${status.redis.evictionPolicy} (must be noeviction)` : '';
    const components = Object.entries(status.components).map(([name, c]) => ({ component: name, enabled: c.enabled, health: c.health }));
    const queues = Object.entries(status.queues).map(([name, c]) => ({
      queue: name,
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      completed: c.completed ?? 0,
    }));
    const text = [
      `${status.service}   ${service('redis', status.redis, eviction)}   ${service(`postgres (${status.postgres.kind})`, status.postgres)}`,
      '',
      table(components, ['component', 'enabled', 'health']),
      '',
      table(queues, ['queue', 'waiting', 'active', 'delayed', 'failed', 'completed']),
    ].join('\n');
    return { json: status, text };
  },
};
