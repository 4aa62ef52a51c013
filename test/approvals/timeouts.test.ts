import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAtLeast, maxPriority, PRIORITIES } from '../../src/vocabulary/priorities.js';
import { DEFAULT_TIMEOUT_CONFIG, escalateAt, expiresAt, requiresDualChannel, timeoutMs } from '../../src/approvals/timeouts.js';

const created = new Date('2026-03-01T12:00:00.000Z');
const MIN = 60_000;

describe('timeouts', () => {
  it('defaults to 15 minutes, 1 hour, 4 hours and 24 hours from critical to low', () => {
    assert.equal(timeoutMs('critical'), 15 * MIN);
    assert.equal(timeoutMs('high'), 60 * MIN);
    assert.equal(timeoutMs('normal'), 240 * MIN);
    assert.equal(timeoutMs('low'), 1440 * MIN);
  });

  it('puts the deadline one timeout after creation', () => {
    assert.equal(expiresAt('critical', created).toISOString(), '2026-03-01T12:15:00.000Z');
    assert.equal(expiresAt('low', created).toISOString(), '2026-03-02T12:00:00.000Z');
  });

  it('escalates at half the timeout by default and at the configured share otherwise', () => {
    assert.equal(escalateAt('high', created).toISOString(), '2026-03-01T12:30:00.000Z');
    const config = { ...DEFAULT_TIMEOUT_CONFIG, escalateAtShare: 0.75 };
    assert.equal(escalateAt('normal', created, config).toISOString(), '2026-03-01T15:00:00.000Z');
    assert.equal(escalateAt('normal', created, { ...config, escalateAtShare: 0 }).getTime(), created.getTime());
  });

  it('takes the timeouts from the config, which can be the approvals section as is', () => {
    const approvalsSection = { enabled: true, timeoutsSec: { critical: 60, high: 120, normal: 180, low: 240 }, escalateAtShare: 0.5, dualChannelMinPriority: 'high' as const };
    assert.equal(expiresAt('high', created, approvalsSection).toISOString(), '2026-03-01T12:02:00.000Z');
    assert.equal(escalateAt('high', created, approvalsSection).toISOString(), '2026-03-01T12:01:00.000Z');
  });

  it('rejects a non-positive timeout and a share outside 0 to 1', () => {
    assert.throws(() => timeoutMs('low', { ...DEFAULT_TIMEOUT_CONFIG, timeoutsSec: { ...DEFAULT_TIMEOUT_CONFIG.timeoutsSec, low: 0 } }), RangeError);
    assert.throws(() => escalateAt('low', created, { ...DEFAULT_TIMEOUT_CONFIG, escalateAtShare: 1.5 }), RangeError);
  });

  it('needs both channels at or above high by default, and from the given level otherwise', () => {
    assert.deepEqual(PRIORITIES.map((p) => requiresDualChannel(p)), [false, false, true, true]);
    assert.deepEqual(PRIORITIES.map((p) => requiresDualChannel(p, 'critical')), [false, false, false, true]);
    assert.deepEqual(PRIORITIES.map((p) => requiresDualChannel(p, 'low')), [true, true, true, true]);
  });
});

describe('priority', () => {
  it('orders priorities from low to critical', () => {
    assert.ok(isAtLeast('critical', 'high'));
    assert.ok(!isAtLeast('normal', 'high'));
    assert.equal(maxPriority(['normal', 'critical', 'low']), 'critical');
    assert.equal(maxPriority([], 'normal'), 'normal');
  });
});
