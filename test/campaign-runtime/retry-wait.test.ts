import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryWaitMs } from '../../src/campaign-runtime/fleet-limiter.js';

// After a rate refusal the backoff (growing to 50 ms) waited past the moment the next token was
// due; with a bucket of one token (a low rate) that time was lost: 7.5-8 of 9 requests/s went out.
describe('the wait before asking for leases again', () => {
  it('after a rate refusal, ends no later than the next token is due, and at most 50 ms', () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      for (const retryInMs of [1, 3, 10, 30, 49, 111, 2000]) {
        for (let i = 0; i < 20; i++) {
          const wait = retryWaitMs(attempt, retryInMs, 'rate');
          assert.ok(wait > 0 && wait <= Math.min(retryInMs, 50), `attempt ${attempt}, token due in ${retryInMs} ms: waited ${wait} ms`);
        }
      }
    }
  });

  it('after other refusals, backs off from 5 ms to at most 50 ms, jittered', () => {
    for (let i = 0; i < 50; i++) {
      const first = retryWaitMs(0, 0, 'concurrency');
      assert.ok(first >= 2.5 && first <= 5, `first wait ${first} ms`);
      const later = retryWaitMs(8, 0, 'concurrency');
      assert.ok(later >= 25 && later <= 50, `wait after 8 refusals ${later} ms`);
      const held = retryWaitMs(0, 5000, 'blocked');
      assert.ok(held >= 25 && held <= 50, `a long hold is looked at again within 50 ms, waited ${held} ms`);
    }
  });
});
