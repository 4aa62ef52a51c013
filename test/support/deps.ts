import { stringify } from 'yaml';
import type { ActionHandler } from '../../src/actions/registry.js';
import type { Clock } from '../../src/clock.js';
import { parseConfig } from '../../src/config/load.js';
import type { Deps } from '../../src/deps.js';
import { buildDeps } from '../../src/entry/compose.js';
import { createLogger } from '../../src/logger.js';
import { createSchema, deleteRedisPrefix, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from './services.js';
import { TOKENS } from './tokens.js';

export interface TestContext {
  deps: Deps;
  schema: string;
  prefix: string;
  /** The YAML text of the config, for child processes (FLYWHEEL_CONFIG). */
  configYaml: string;
  cleanup(): Promise<void>;
}

/** Deep-merges plain objects (arrays and scalars are replaced). */
function merge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)
        ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

export function testConfigTree(prefix: string, schemaUrl: string, extra: Record<string, unknown> = {}) {
  return merge(
    {
      database: { url: schemaUrl, poolSize: 4 },
      redis: { url: TEST_REDIS_URL, prefix, startLocal: false },
      logging: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
      auth: {
        sessionSecret: 'test-session-secret-0123456789',
        tokens: [
          { name: 'admin', token: TOKENS.admin, roles: ['admin'] },
          { name: 'olivia', token: TOKENS.operator, roles: ['operator'] },
          { name: 'alice', token: TOKENS.approver, roles: ['approver'] },
          { name: 'bob', token: TOKENS.approver2, roles: ['approver'] },
          { name: 'victor', token: TOKENS.viewer, roles: ['viewer'] },
        ],
      },
    },
    extra,
  );
}

/** Deps on the real Redis and Postgres, isolated by a schema and a key prefix of their own. */
export async function createTestContext(
  options: {
    config?: Record<string, unknown>;
    clock?: Clock;
    extraActions?: ActionHandler[];
    redisUrl?: string;
    /** A schema made beforehand (createSchema), and the Postgres URL to reach it by (a pooler in front). */
    database?: { schema: Awaited<ReturnType<typeof createSchema>>; url: string };
  } = {},
): Promise<TestContext> {
  const { schema, drop } = options.database?.schema ?? (await createSchema());
  const prefix = uniqueName('fwtest');
  const url = new URL(options.database?.url ?? TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const tree = testConfigTree(prefix, url.toString(), { ...(options.redisUrl ? { redis: { url: options.redisUrl } } : {}), ...options.config });
  const configYaml = stringify(tree);
  const config = parseConfig(configYaml, {});
  const deps = await buildDeps({
    config,
    logger: createLogger(config.logging.level),
    clock: options.clock,
    dbSchema: schema,
    extraActions: options.extraActions,
  });
  return {
    deps,
    schema,
    prefix,
    configYaml,
    async cleanup() {
      await deps.close();
      if (!options.redisUrl) await deleteRedisPrefix(prefix);
      await drop();
    },
  };
}
