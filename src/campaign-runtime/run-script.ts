import { createHash } from 'node:crypto';
import type { RedisClient as Redis } from '../redis/connect.js';

const shas = new Map<string, string>();

/**
 * Runs a Lua script by its SHA (EVALSHA), sending its text only when Redis does not have
 * it yet (NOSCRIPT: a restart, a FLUSH of scripts, a new cluster node). The limiter's
 * scripts run several times per delivery; their text was most of the bytes written.
 */
export async function runScript(redis: Redis, script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  let sha = shas.get(script);
  if (!sha) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
