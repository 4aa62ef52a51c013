import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ApprovalState, applyDecision, cancel, type DecisionInput, expire } from '../../src/approvals/decide.js';

const HASH = 'a'.repeat(64);
const created = Date.parse('2026-03-01T12:00:00Z');
const at = (minutes: number) => new Date(created + minutes * 60_000);
const options = { approverRoles: ['admin', 'approver'] };

function request(overrides: Partial<ApprovalState> = {}): ApprovalState {
  return {
    status: 'pending',
    priority: 'high',
    requester: 'growth',
    payloadHash: HASH,
    requiredChannels: ['console', 'telegram'],
    decisions: [],
    requireDistinctApprovers: true,
    expiresAt: at(60),
    ...overrides,
  };
}

function decision(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return { channel: 'console', actor: 'alice', actorRoles: ['approver'], decision: 'approve', reason: '', payloadHash: HASH, now: at(5), ...overrides };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

describe('applyDecision at a priority needing both channels', () => {
  it('records the first approval and stays pending until the other channel approves', () => {
    const first = applyDecision(request(), decision(), options);
    assert.equal(first.result, 'recorded');
    assert.equal(first.state.status, 'pending');
    assert.equal(first.state.decisions.length, 1);
    const second = applyDecision(first.state, decision({ channel: 'telegram', actor: 'bob', now: at(7) }), options);
    assert.equal(second.result, 'decided');
    assert.equal(second.state.status, 'approved');
    assert.equal(second.state.decidedAt?.toISOString(), at(7).toISOString());
    assert.equal(second.state.resolution, 'approved on console by alice and telegram by bob');
    assert.deepEqual(second.state.decisions.map((d) => [d.channel, d.actor, d.at.toISOString()]), [
      ['console', 'alice', at(5).toISOString()],
      ['telegram', 'bob', at(7).toISOString()],
    ]);
  });

  it('rejects on one reject from either channel, even after the other approved', () => {
    const first = applyDecision(request(), decision(), options);
    const rejected = applyDecision(first.state, decision({ channel: 'telegram', actor: 'bob', decision: 'reject', reason: 'budget too high' }), options);
    assert.equal(rejected.result, 'decided');
    assert.equal(rejected.state.status, 'rejected');
    assert.equal(rejected.state.resolution, 'rejected on telegram by bob: budget too high');

    const direct = applyDecision(request(), decision({ channel: 'telegram', decision: 'reject', reason: 'no' }), options);
    assert.equal(direct.state.status, 'rejected');
  });

  it('refuses a second approval by the same person when distinct approvers are required', () => {
    const first = applyDecision(request(), decision(), options);
    const same = applyDecision(first.state, decision({ channel: 'telegram' }), options);
    assert.equal(same.result, 'refused');
    assert.equal(same.reason, 'same_approver');
    assert.equal(same.state, first.state);
  });

  it('lets the same person approve on both channels when distinct approvers are not required', () => {
    const first = applyDecision(request({ requireDistinctApprovers: false }), decision(), options);
    const same = applyDecision(first.state, decision({ channel: 'telegram' }), options);
    assert.equal(same.result, 'decided');
    assert.equal(same.state.status, 'approved');
  });

  it('treats a channel deciding again as a duplicate and changes nothing', () => {
    const first = applyDecision(request(), decision(), options);
    for (const again of [decision(), decision({ actor: 'carol' }), decision({ actor: 'carol', decision: 'reject', reason: 'no' })]) {
      const outcome = applyDecision(first.state, again, options);
      assert.equal(outcome.result, 'duplicate');
      assert.equal(outcome.state, first.state);
    }
  });

  it('needs only the channels the request is on when one channel is off', () => {
    const outcome = applyDecision(request({ requiredChannels: ['console'] }), decision(), options);
    assert.equal(outcome.result, 'decided');
    assert.equal(outcome.state.status, 'approved');
  });

  it('refuses a decision from a channel the request is not on', () => {
    const outcome = applyDecision(request({ requiredChannels: ['console'] }), decision({ channel: 'telegram' }), options);
    assert.deepEqual([outcome.result, outcome.reason], ['refused', 'channel_not_offered']);
  });

  it('takes the dual-channel level from the options', () => {
    const outcome = applyDecision(request({ priority: 'high' }), decision(), { ...options, dualChannelMinPriority: 'critical' });
    assert.equal(outcome.result, 'decided');
  });
});

describe('applyDecision at a lower priority', () => {
  it('lets the first decision on either channel settle the request', () => {
    for (const channel of ['console', 'telegram'] as const) {
      const approved = applyDecision(request({ priority: 'normal' }), decision({ channel }), options);
      assert.deepEqual([approved.result, approved.state.status, approved.state.resolution], ['decided', 'approved', `approved on ${channel} by alice`]);
      const rejected = applyDecision(request({ priority: 'low' }), decision({ channel, decision: 'reject', reason: 'later' }), options);
      assert.deepEqual([rejected.result, rejected.state.status], ['decided', 'rejected']);
    }
  });
});

describe('applyDecision refusals', () => {
  it('never lets the requester approve their own request', () => {
    const state = request({ requester: 'alice' });
    const outcome = applyDecision(state, decision({ actorRoles: ['admin'] }), options);
    assert.deepEqual([outcome.result, outcome.reason], ['refused', 'own_request']);
    assert.equal(outcome.state, state);
  });

  it('lets the requester withdraw by rejecting when they hold an approver role', () => {
    const outcome = applyDecision(request({ requester: 'alice', priority: 'normal' }), decision({ decision: 'reject', reason: 'not needed' }), options);
    assert.equal(outcome.state.status, 'rejected');
  });

  it('refuses an actor without an approver role for the kind', () => {
    for (const actorRoles of [[], ['viewer'], ['operator']]) {
      const outcome = applyDecision(request(), decision({ actorRoles }), options);
      assert.deepEqual([outcome.result, outcome.reason], ['refused', 'not_an_approver']);
    }
    assert.equal(applyDecision(request(), decision({ actorRoles: ['operator'] }), { approverRoles: ['operator'] }).result, 'recorded');
  });

  it('refuses a decision made on a different payload than the request holds', () => {
    const outcome = applyDecision(request(), decision({ payloadHash: 'b'.repeat(64) }), options);
    assert.deepEqual([outcome.result, outcome.reason], ['refused', 'stale_payload']);
    assert.equal(outcome.state.decisions.length, 0);
  });
});

describe('applyDecision on a final or overdue request', () => {
  it('answers already_decided and returns the state unchanged', () => {
    for (const status of ['approved', 'rejected', 'cancelled'] as const) {
      const state = request({ status });
      const outcome = applyDecision(state, decision(), options);
      assert.equal(outcome.result, 'already_decided');
      assert.equal(outcome.state, state);
    }
  });

  it('answers expired for an expired request', () => {
    const state = request({ status: 'expired' });
    const outcome = applyDecision(state, decision(), options);
    assert.equal(outcome.result, 'expired');
    assert.equal(outcome.state, state);
  });

  it('expires the request when a decision arrives at or after the deadline', () => {
    for (const now of [at(60), at(61)]) {
      const first = applyDecision(request(), decision(), options);
      const outcome = applyDecision(first.state, decision({ channel: 'telegram', actor: 'bob', now }), options);
      assert.equal(outcome.result, 'expired');
      assert.equal(outcome.state.status, 'expired');
      assert.equal(outcome.state.decisions.length, 1);
    }
    const justBefore = applyDecision(request(), decision({ now: new Date(at(60).getTime() - 1) }), options);
    assert.equal(justBefore.result, 'recorded');
  });

  it('approves by default at the deadline when the kind says so', () => {
    const outcome = applyDecision(request(), decision({ now: at(60) }), { ...options, onExpiry: 'approve' });
    assert.deepEqual([outcome.result, outcome.state.status], ['expired', 'approved']);
  });

  it('never mutates the state it is given', () => {
    const state = deepFreeze(request());
    const first = applyDecision(state, decision(), options);
    deepFreeze(first);
    applyDecision(first.state, decision({ channel: 'telegram', actor: 'bob' }), options);
    applyDecision(first.state, decision({ channel: 'telegram', actor: 'bob', now: at(90) }), options);
    assert.equal(state.decisions.length, 0);
  });
});

describe('expire', () => {
  it('does nothing before the deadline', () => {
    const state = request();
    assert.deepEqual(expire(state, at(59)), { result: 'not_due', state });
  });

  it('expires a pending request at the deadline, rejecting by default', () => {
    const outcome = expire(request(), at(60));
    assert.equal(outcome.result, 'expired');
    assert.equal(outcome.state.status, 'expired');
    assert.equal(outcome.state.decidedAt?.toISOString(), at(60).toISOString());
    assert.match(outcome.state.resolution ?? '', /^expired/);
  });

  it('approves by default when asked to', () => {
    const outcome = expire(request(), at(61), 'approve');
    assert.deepEqual([outcome.result, outcome.state.status], ['expired', 'approved']);
  });

  it('leaves a final request alone', () => {
    const state = request({ status: 'approved' });
    assert.deepEqual(expire(state, at(120)), { result: 'already_decided', state });
  });
});

describe('cancel', () => {
  it('cancels a pending request once', () => {
    const outcome = cancel(request(), at(10), 'proposal withdrawn');
    assert.deepEqual([outcome.result, outcome.state.status, outcome.state.resolution], ['cancelled', 'cancelled', 'proposal withdrawn']);
    assert.equal(cancel(outcome.state, at(11)).result, 'already_decided');
  });
});
