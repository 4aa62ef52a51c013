import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILTIN_CONFIG_YAML } from '../../src/config/builtin.js';
import { ENV_OVERRIDES, withoutEnvOverrides } from '../../src/config/env-overrides.js';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js';
import { redactConfig } from '../../src/config/redact.js';

describe('config', () => {
  it('expands ${VAR} and ${VAR:-default} and types whole-reference scalars', () => {
    const text = 'server:\n  port: ${PORT:-3000}\n  publicUrl: "https://${HOST}/x"\nops:\n  enabled: ${OPS_ON:-true}\n';
    const withEnv = parseConfig(text, { PORT: '4100', HOST: 'flywheel.example.com', OPS_ON: 'false' });
    assert.equal(withEnv.server.port, 4100);
    assert.equal(withEnv.server.publicUrl, 'https://flywheel.example.com/x');
    assert.equal(withEnv.ops.enabled, false);
    const withDefaults = parseConfig(text, { HOST: 'h' });
    assert.equal(withDefaults.server.port, 3000);
    assert.equal(withDefaults.ops.enabled, true);
  });

  it('fails on an unset ${VAR} without default, naming the variable and the key', () => {
    assert.throws(() => parseConfig('redis:\n  url: ${MY_REDIS}\n', {}), /redis\.url: environment variable MY_REDIS is not set/);
  });

  it('rejects a wrong type, naming the key and what was expected', () => {
    assert.throws(() => parseConfig('server:\n  port: "eighty"\n', {}), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /server\.port: .*expected number/);
      return true;
    });
  });

  it('rejects an unknown key, naming it', () => {
    assert.throws(() => parseConfig('ops:\n  thresholds:\n    p95Latency: 10\n', {}), /ops\.thresholds\.p95Latency: unknown key/);
  });

  it('uses built-in defaults when no file exists, wired to the documented variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-config-'));
    const config = loadConfig({ PORT: '3100', REDIS_URL: 'redis://10.0.0.1:6380', FLYWHEEL_ADMIN_TOKEN: 'x'.repeat(20) }, dir);
    assert.equal(config.server.port, 3100);
    assert.equal(config.redis.url, 'redis://10.0.0.1:6380');
    assert.equal(config.auth.adminToken, 'x'.repeat(20));
    assert.equal(config.ops.monitor.everySec, 30);
    assert.equal(config.growth.analysis.everySec, 3600);
    assert.equal(config.beta.screening.everySec, 86_400);
    assert.equal(config.approvals.expirySweep.everySec, 3600);
    assert.ok(Object.isFrozen(config.server));
  });

  it('loads the file named by FLYWHEEL_CONFIG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-config-'));
    const path = join(dir, 'custom.yaml');
    writeFileSync(path, 'ops:\n  monitor:\n    everySec: 5\n');
    assert.equal(loadConfig({ FLYWHEEL_CONFIG: path }).ops.monitor.everySec, 5);
    assert.throws(() => loadConfig({ FLYWHEEL_CONFIG: join(dir, 'missing.yaml') }), /does not exist/);
  });

  it('applies the documented variables on top of a FLYWHEEL_CONFIG file that does not refer to them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-config-'));
    const path = join(dir, 'custom.yaml');
    writeFileSync(path, 'server:\n  port: 3000\nredis:\n  url: redis://file:6379\nworkers:\n  queues: deliveries\n  shutdownTimeoutSec: 7\nlogging:\n  level: warn\n');
    const config = loadConfig({
      FLYWHEEL_CONFIG: path,
      WORKER_QUEUES: 'delivery',
      PORT: '4100',
      REDIS_URL: 'redis://a:7000,redis://b:7001',
      REDIS_CLUSTER: 'true',
      LOG_LEVEL: 'debug',
      FLYWHEEL_ADMIN_TOKEN: '1234567890123456',
    });
    assert.equal(config.workers.queues, 'delivery');
    assert.equal(config.workers.shutdownTimeoutSec, 7, 'keys no variable names keep the file value');
    assert.equal(config.server.port, 4100);
    assert.equal(config.redis.url, 'redis://a:7000,redis://b:7001');
    assert.equal(config.redis.cluster, true);
    assert.equal(config.logging.level, 'debug');
    assert.equal(config.auth.adminToken, '1234567890123456', 'a string key takes the value as given, even all digits');
    // The same on a file that leaves the section out, and from the built-in config.
    writeFileSync(path, 'ops:\n  monitor:\n    everySec: 5\n');
    assert.equal(loadConfig({ FLYWHEEL_CONFIG: path, WORKER_QUEUES: 'agents' }).workers.queues, 'agents');
    assert.equal(loadConfig({ WORKER_QUEUES: 'agents' }, dir).workers.queues, 'agents');
  });

  it('leaves the file value when a variable is empty, and names the variable when its value is wrong', () => {
    const text = 'workers:\n  queues: deliveries\n';
    assert.equal(parseConfig(text, { WORKER_QUEUES: '' }).workers.queues, 'deliveries');
    assert.equal(parseConfig(text, {}).workers.queues, 'deliveries');
    assert.throws(() => parseConfig(text, { PORT: 'eighty' }), /server\.port \(from PORT\): .*expected number/);
  });

  it('overrides every variable of the documented table, and a child process can be given none of them', () => {
    const names = ENV_OVERRIDES.map((o) => o.variable);
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'REDIS_CLUSTER', 'FLYWHEEL_ADMIN_TOKEN', 'WORKER_QUEUES', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET', 'TELEGRAM_API_ROOT', 'LOG_LEVEL']) {
      assert.ok(names.includes(name), `${name} is not an override`);
    }
    const clean = withoutEnvOverrides({ REDIS_URL: 'redis://x', WORKER_QUEUES: 'agents', PATH: '/bin' });
    assert.deepEqual(clean, { PATH: '/bin' });
  });

  it('agrees with the committed flywheel.example.yaml under the same environment', () => {
    const env = { PORT: '3000' };
    const example = parseConfig(readFileSync('flywheel.example.yaml', 'utf8'), env);
    const builtin = parseConfig(BUILTIN_CONFIG_YAML, env);
    assert.deepEqual(example, builtin);
  });

  it('redacts secrets and URL passwords for display', () => {
    const config = parseConfig(
      'database:\n  url: postgres://app:hunter2@db/flywheel\nauth:\n  tokens: [{name: a, token: abcdefghijklmnopq, roles: [admin]}]\ntelegram:\n  botToken: "123:ABC"\n',
      {},
    );
    const shown = JSON.stringify(redactConfig(config));
    assert.ok(!shown.includes('hunter2'));
    assert.ok(!shown.includes('abcdefghijklmnopq'));
    assert.ok(!shown.includes('123:ABC'));
    assert.match(shown, /\[redacted\]/);
  });

  it('makes the service refuse to start on a bad key, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-config-'));
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'server:\n  port: 3000\n  colour: blue\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/entry/web.ts'], {
      env: { ...process.env, FLYWHEEL_CONFIG: path },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /server\.colour: unknown key/);
  });
});
