import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, NonJsonValueError, payloadHash } from '../../src/approvals/payload-hash.js';

const payload = { campaignId: 'c-1', audienceSize: 12_000, budget: { daily: 500, total: 3_000 }, channels: ['email', 'push'], dryRun: false, note: null };

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves out whitespace', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } }), '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('keeps array order, since it is part of the data', () => {
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });

  it('escapes strings exactly as JSON does', () => {
    assert.equal(canonicalJson({ 'k"ey': 'line\nbreak "quoted" é' }), JSON.stringify({ 'k"ey': 'line\nbreak "quoted" é' }));
  });

  it('rejects values JSON cannot represent and names where they are', () => {
    const cases: [unknown, RegExp][] = [
      [{ a: undefined }, /\$\.a: undefined/],
      [{ a: [1, Number.NaN] }, /\$\.a\[1\]: NaN/],
      [{ a: Number.POSITIVE_INFINITY }, /Infinity/],
      [{ a: 1n }, /bigint/],
      [{ a: () => 1 }, /function/],
      [{ a: Symbol('s') }, /symbol/],
      [{ at: new Date(0) }, /\$\.at: Date/],
      [{ m: new Map() }, /Map/],
      [[1, , 3], /\$\[1\]: an array hole/],
      [undefined, /\$: undefined/],
    ];
    for (const [value, message] of cases) {
      assert.throws(() => canonicalJson(value), (error: unknown) => error instanceof NonJsonValueError && message.test(error.message));
    }
  });

  it('rejects circular references but accepts the same object twice side by side', () => {
    const shared = { x: 1 };
    assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}');
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    assert.throws(() => canonicalJson(loop), /circular/);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2, a: 1 });
    assert.equal(canonicalJson(bare), '{"a":1,"b":2}');
  });
});

describe('payloadHash', () => {
  it('is a 64-character lowercase hex SHA-256', () => {
    assert.match(payloadHash(payload), /^[0-9a-f]{64}$/);
    assert.equal(payloadHash({}), '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });

  it('does not depend on key order, however deep', () => {
    const reordered = { note: null, dryRun: false, channels: ['email', 'push'], budget: { total: 3_000, daily: 500 }, audienceSize: 12_000, campaignId: 'c-1' };
    assert.equal(payloadHash(reordered), payloadHash(payload));
  });

  it('changes when any value changes, however small', () => {
    const base = payloadHash(payload);
    const variants = [
      { ...payload, audienceSize: 12_001 },
      { ...payload, budget: { daily: 500, total: 3_000.5 } },
      { ...payload, channels: ['email'] },
      { ...payload, channels: ['push', 'email'] },
      { ...payload, dryRun: true },
      { ...payload, note: '' },
      { ...payload, campaignId: 'c-1 ' },
      { ...payload, audienceSize: '12000' },
      { ...payload, extra: null },
    ];
    const hashes = new Set(variants.map((v) => payloadHash(v)));
    assert.equal(hashes.size, variants.length);
    assert.ok(!hashes.has(base));
  });
});
