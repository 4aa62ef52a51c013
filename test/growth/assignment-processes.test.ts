import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { assignArm, initialAllocation } from '../../src/growth/assignment.js';

const run = promisify(execFile);
const WEIGHTS = [
  { arm: 'control', weight: 50 },
  { arm: 'points', weight: 30 },
  { arm: 'streak', weight: 20 },
];
const COUNT = 20_000;

/** The arms another Node process computes, with a different time zone and locale (nothing the hash may depend on). */
async function armsInChild(env: Record<string, string>): Promise<{ pid: number; arms: string[] }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/growth/fixtures/assign-in-child.ts'], {
    env: { ...process.env, ...env, EXPERIMENT_KEY: 'cross-process', ARM_WEIGHTS: JSON.stringify(WEIGHTS), USER_COUNT: String(COUNT) },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as { pid: number; arms: string[] };
}

describe('assignment across processes', () => {
  it('gives every user the same arm in separate processes with different time zones and locales', async () => {
    const allocation = initialAllocation(WEIGHTS);
    const here = Array.from({ length: COUNT }, (_, i) => assignArm('cross-process', `user-${i}`, allocation));
    const [a, b] = await Promise.all([
      armsInChild({ TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' }),
      armsInChild({ TZ: 'America/St_Johns', LANG: 'C', LC_ALL: 'C' }),
    ]);
    assert.notEqual(a.pid, process.pid);
    assert.notEqual(a.pid, b.pid);
    assert.deepEqual(a.arms, here);
    assert.deepEqual(b.arms, here);
  });
});
