import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILTIN_CONFIG_YAML } from '../../src/config/builtin.js';
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
