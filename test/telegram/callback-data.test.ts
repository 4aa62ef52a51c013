import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeCallback, encodeCallback, expandUuid, MAX_CALLBACK_BYTES, shortenUuid } from '../../src/telegram/callback-data.js';

const SECRET = 'test-secret-for-callbacks';
const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('callback data', () => {
  it('fits in 64 bytes and round-trips for any request id and decision', () => {
    for (let i = 0; i < 500; i++) {
      const requestId = randomUUID();
      for (const decision of ['approve', 'reject'] as const) {
        const data = encodeCallback({ requestId, decision }, SECRET);
        assert.ok(Buffer.byteLength(data, 'utf8') <= MAX_CALLBACK_BYTES, data);
        assert.deepEqual(decodeCallback(data, SECRET), { requestId, decision });
      }
    }
  });

  it('has the shape a:<22-char id>:<decision>:<12-char signature>', () => {
    const data = encodeCallback({ requestId: ID, decision: 'approve' }, SECRET);
    assert.match(data, /^a:[A-Za-z0-9_-]{22}:approve:[A-Za-z0-9_-]{12}$/);
    assert.equal(data.length, 45);
  });

  it('accepts upper-case ids and decodes them lower-case', () => {
    const data = encodeCallback({ requestId: ID.toUpperCase(), decision: 'reject' }, SECRET);
    assert.deepEqual(decodeCallback(data, SECRET), { requestId: ID, decision: 'reject' });
  });

  it('rejects data whose id, decision or signature was changed', () => {
    const data = encodeCallback({ requestId: ID, decision: 'approve' }, SECRET);
    const [prefix, shortId, , sig] = data.split(':') as [string, string, string, string];
    const other = shortenUuid('11111111-2222-4333-8444-555555555555');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const tampered = [
      `${prefix}:${shortId}:reject:${sig}`,
      `${prefix}:${other}:approve:${sig}`,
      `${prefix}:${flip(shortId, 5)}:approve:${sig}`,
      `${prefix}:${shortId}:approve:${flip(sig, 0)}`,
      `${prefix}:${shortId}:approve:${sig.slice(0, 11)}`,
      `b:${shortId}:approve:${sig}`,
    ];
    for (const bad of tampered) assert.equal(decodeCallback(bad, SECRET), null, bad);
    assert.equal(decodeCallback(data, 'another-secret'), null);
  });

  it('rejects malformed data without throwing', () => {
    for (const bad of ['', 'a', 'a:b:c', 'a:::', `${'x'.repeat(100)}`, 'a:short:approve:AAAAAAAAAAAA', 'a:AAAAAAAAAAAAAAAAAAAAAB:approve:AAAAAAAAAAAA:extra']) {
      assert.equal(decodeCallback(bad, SECRET), null, bad);
    }
  });

  it('refuses to sign with an empty secret or a non-UUID id', () => {
    assert.throws(() => encodeCallback({ requestId: ID, decision: 'approve' }, ''), RangeError);
    assert.throws(() => decodeCallback('a:x:approve:y', ''), RangeError);
    assert.throws(() => encodeCallback({ requestId: 'req-1', decision: 'approve' }, SECRET), RangeError);
  });
});

describe('uuid compression', () => {
  it('turns a UUID into 22 base64url characters and back', () => {
    const short = shortenUuid(ID);
    assert.equal(short.length, 22);
    assert.equal(expandUuid(short), ID);
  });

  it('accepts only the canonical spelling of a short id', () => {
    const short = shortenUuid('00000000-0000-4000-8000-000000000000');
    assert.equal(short.at(-1), 'A');
    assert.equal(expandUuid(`${short.slice(0, 21)}B`), null);
    assert.equal(expandUuid('too-short'), null);
  });
});
