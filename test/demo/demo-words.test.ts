import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { demoConfigYaml } from '../../src/demo/demo-config.js';
import { DemoUsageError, parseDemoArgs } from '../../src/demo/options.js';
import { capacityAndRate, plainNumbers } from '../../src/demo/plain-words.js';

const tokens = { admin: 'a', operator: 'o', approvers: ['x', 'y'] as [string, string] };

describe('demo options and wording', () => {
  it('takes --port, keeps it with --keep-running, and writes it into the config Flywheel listens by', () => {
    const options = parseDemoArgs(['--keep-running', '--port', '4123']);
    assert.equal(options.port, 4123);
    assert.equal(options.keepRunning, true);
    const config = parse(demoConfigYaml({ redisUrl: 'redis://127.0.0.1:1', redisPrefix: 'p', pgliteDir: '/tmp/x', tokens, port: options.port ?? 0 })) as {
      server: { port: number };
    };
    assert.equal(config.server.port, 4123);
    assert.equal(parseDemoArgs([]).port, null);
    for (const bad of ['0', '70000', 'http', '1.5']) assert.throws(() => parseDemoArgs(['--port', bad]), DemoUsageError, bad);
  });

  it('says capacity and send rate in plain words and rounds long decimals', () => {
    assert.equal(capacityAndRate(300.4, 270.2), 'capacity ≈ 300/s, sending 270/s');
    assert.equal(capacityAndRate(null, 4.25), 'sending 4.3/s');
    assert.equal(plainNumbers('min(120.98809938682835/s × 0.5) score 0.885'), 'min(121/s × 0.5) score 0.885');
    assert.equal(plainNumbers('p95 599 ms, 60/s, 12.5%'), 'p95 599 ms, 60/s, 12.5%');
  });
});
