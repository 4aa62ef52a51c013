import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTION_KINDS, AGENTS } from '../../src/policy/action-kinds.js';
import { approverRolesFor, evaluateProposal, expireOnKind } from '../../src/policy/evaluate.js';
import { DEFAULT_POLICY, type PolicyConfig } from '../../src/policy/policy-config.js';

const launch = (params: Record<string, unknown>, proposer = 'growth') => evaluateProposal({ kind: 'campaign.launch', proposer, params });

describe('evaluateProposal', () => {
  it('applies a proposal within every guardrail', () => {
    assert.deepEqual(launch({ audienceSize: 8_000, budget: 900 }), { outcome: 'apply' });
    assert.deepEqual(evaluateProposal({ kind: 'reward.adjust', proposer: 'growth', params: { percentChange: -10, budgetDelta: 1_000 } }), { outcome: 'apply' });
    assert.deepEqual(evaluateProposal({ kind: 'beta.invite', proposer: 'pm', params: { tenantIds: ['a', 'b'] } }), { outcome: 'apply' });
    assert.deepEqual(evaluateProposal({ kind: 'scaling.apply', proposer: 'ops', params: { step: -2 } }), { outcome: 'apply' });
  });

  it('asks for approval over a guardrail, saying which and by how much', () => {
    assert.deepEqual(launch({ audienceSize: 12_000, budget: 900 }), {
      outcome: 'approve',
      priority: 'normal',
      reasons: ['Audience 12,000 is over the guardrail of 10,000 (1.2×)'],
      channels: ['console', 'telegram'],
      approverRoles: ['admin', 'approver'],
    });
  });

  it('measures signed changes by their size and lists by their length', () => {
    const cut = evaluateProposal({ kind: 'reward.adjust', proposer: 'growth', params: { percentChange: -25, budgetDelta: 0 } });
    assert.equal(cut.outcome, 'approve');
    const invite = evaluateProposal({ kind: 'beta.invite', proposer: 'pm', params: { tenantIds: Array.from({ length: 40 }, (_, i) => `t${i}`) } });
    assert.deepEqual(invite.outcome === 'approve' && [invite.priority, invite.reasons], ['high', ['Batch size 40 is over the guardrail of 10 (4×)']]);
  });

  it('raises the priority with how far over the guardrail the proposal is, the furthest guardrail deciding', () => {
    const priorityOf = (params: Record<string, unknown>) => {
      const verdict = launch(params);
      return verdict.outcome === 'approve' ? verdict.priority : verdict.outcome;
    };
    assert.equal(priorityOf({ audienceSize: 19_999, budget: 100 }), 'normal');
    assert.equal(priorityOf({ audienceSize: 20_000, budget: 100 }), 'high');
    assert.equal(priorityOf({ audienceSize: 50_000, budget: 100 }), 'critical');
    assert.equal(priorityOf({ audienceSize: 12_000, budget: 5_000 }), 'critical');
    const both = launch({ audienceSize: 12_000, budget: 1_500 });
    assert.equal(both.outcome === 'approve' && both.reasons.length, 2);
  });

  it('always asks for approval for kinds that say so, at their fixed priority', () => {
    const verdict = evaluateProposal({ kind: 'campaign.resume', proposer: 'ops', params: { campaignId: 'c-1' } });
    assert.deepEqual(verdict.outcome === 'approve' && [verdict.priority, verdict.reasons], ['normal', ['campaign.resume always needs approval']]);
    const stop = evaluateProposal({ kind: 'arm.stop', proposer: 'growth', params: { armId: 'b' } });
    assert.equal(stop.outcome === 'approve' && stop.priority, 'low');
  });

  it('refuses a proposer the kind does not allow', () => {
    assert.deepEqual(launch({ audienceSize: 100, budget: 10 }, 'ops'), { outcome: 'refuse', reason: 'ops may not propose campaign.launch' });
    assert.deepEqual(evaluateProposal({ kind: 'beta.invite', proposer: 'growth', params: { tenantIds: ['a'] } }), { outcome: 'refuse', reason: 'growth may not propose beta.invite' });
    assert.equal(launch({ audienceSize: 100, budget: 10 }, 'alice').outcome, 'refuse');
  });

  it('refuses past a hard limit, with every reason', () => {
    assert.deepEqual(launch({ audienceSize: 2_000_000, budget: 60_000 }), {
      outcome: 'refuse',
      reason: 'Audience 2,000,000 is over the hard limit of 1,000,000; Budget 60,000 is over the hard limit of 50,000',
    });
    assert.deepEqual(launch({ audienceSize: 0, budget: 10 }), { outcome: 'refuse', reason: 'Audience 0 is below the hard limit of 1' });
    assert.equal(evaluateProposal({ kind: 'reward.adjust', proposer: 'growth', params: { percentChange: -60, budgetDelta: 0 } }).outcome, 'refuse');
  });

  it('refuses missing or malformed guarded parameters', () => {
    assert.deepEqual(launch({ budget: 10 }), { outcome: 'refuse', reason: 'Audience (audienceSize) is missing' });
    assert.deepEqual(launch({ audienceSize: '5000', budget: 10 }), { outcome: 'refuse', reason: 'Audience (audienceSize) must be a number' });
    assert.deepEqual(launch({ audienceSize: Number.NaN, budget: 10 }), { outcome: 'refuse', reason: 'Audience (audienceSize) must be a number' });
    assert.deepEqual(evaluateProposal({ kind: 'beta.invite', proposer: 'pm', params: { tenantIds: 3 } }), { outcome: 'refuse', reason: 'Batch size (tenantIds) must be a list' });
  });

  it('refuses unknown and disabled kinds', () => {
    assert.deepEqual(evaluateProposal({ kind: 'db.drop', proposer: 'operator', params: {} }), { outcome: 'refuse', reason: 'unknown action kind db.drop' });
    assert.equal(evaluateProposal({ kind: 'toString', proposer: 'operator', params: {} }).outcome, 'refuse');
    const config: PolicyConfig = { ...DEFAULT_POLICY, kinds: { ...DEFAULT_POLICY.kinds, 'arm.stop': { ...DEFAULT_POLICY.kinds['arm.stop']!, enabled: false } } };
    assert.deepEqual(evaluateProposal({ kind: 'arm.stop', proposer: 'growth', params: {} }, config), { outcome: 'refuse', reason: 'arm.stop is disabled by policy' });
  });

  it('follows a custom kind with nested parameters, optional guardrails and its own channels', () => {
    const config: PolicyConfig = {
      channels: ['console'],
      kinds: {
        'test.spend': {
          proposers: ['ops'],
          approverRoles: ['operator'],
          guardrails: [
            { param: 'budget.daily', max: 100 },
            { param: 'budget.cap', max: 1, required: false },
          ],
          priority: { type: 'fixed', priority: 'critical' },
          onExpiry: 'approve',
        },
      },
    };
    assert.deepEqual(evaluateProposal({ kind: 'test.spend', proposer: 'ops', params: { budget: { daily: 50 } } }, config), { outcome: 'apply' });
    assert.deepEqual(evaluateProposal({ kind: 'test.spend', proposer: 'ops', params: { budget: { daily: 150 } } }, config), {
      outcome: 'approve',
      priority: 'critical',
      reasons: ['Budget daily 150 is over the guardrail of 100 (1.5×)'],
      channels: ['console'],
      approverRoles: ['operator'],
    });
    assert.equal(expireOnKind('test.spend', config), 'approve');
  });
});

describe('policy defaults', () => {
  it('cover every action kind, each proposable by operators and approvable by admins', () => {
    for (const kind of ACTION_KINDS) {
      const policy = DEFAULT_POLICY.kinds[kind];
      assert.ok(policy, kind);
      assert.ok(policy.proposers.includes('operator'), kind);
      assert.ok(policy.proposers.every((p) => (AGENTS as readonly string[]).includes(p)), kind);
      assert.ok(approverRolesFor(kind).includes('admin'), kind);
      assert.equal(expireOnKind(kind), 'reject', kind);
    }
  });

  it('knows no approver roles and rejects at expiry for an unknown kind', () => {
    assert.deepEqual(approverRolesFor('nope'), []);
    assert.equal(expireOnKind('nope'), 'reject');
  });
});
