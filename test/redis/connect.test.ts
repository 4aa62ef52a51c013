import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_CONFIG_YAML } from '../../src/config/builtin.js';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { parseSeeds } from '../../src/redis/connect.js';

describe('Redis connection settings', () => {
  it('reads REDIS_CLUSTER and a comma-separated seed list from the environment', () => {
    const config = parseConfig(BUILTIN_CONFIG_YAML, { REDIS_CLUSTER: 'true', REDIS_URL: 'redis://a:7000,redis://b:7001' });
    assert.equal(config.redis.cluster, true);
    assert.deepEqual(parseSeeds(config.redis.url).map((s) => `${s.host}:${s.port}`), ['a:7000', 'b:7001']);
    assert.equal(parseConfig(BUILTIN_CONFIG_YAML, {}).redis.cluster, false);
  });

  it('takes credentials and TLS from the seed URLs, with the default port', () => {
    const [first, second] = parseSeeds(' rediss://user:p%40ss@cache.example.com , rediss://cache2.example.com:6380 ');
    assert.deepEqual(first, { host: 'cache.example.com', port: 6379, username: 'user', password: 'p@ss', tls: true });
    assert.deepEqual(second, { host: 'cache2.example.com', port: 6380, tls: true });
  });

  it('names a seed that is not a redis URL, without its password', () => {
    assert.throws(() => parseSeeds('redis://a:1,http://b:2'), /http: is not redis: or rediss:/);
    assert.throws(() => parseSeeds('redis://u:secret@a:1,nonsense'), (error: Error) => /"nonsense" is not a redis:\/\/ URL/.test(error.message) && !error.message.includes('secret'));
    assert.throws(() => parseSeeds(' , '), /names no Redis node/);
  });

  it('refuses a key prefix that would break the hash tags', () => {
    assert.throws(() => parseConfig('redis:\n  prefix: "fly{wheel}"\n', {}), (error: unknown) => error instanceof ConfigError && /redis\.prefix/.test(error.message));
  });
});
