import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateProposal } from '../../src/policy/evaluate.js';
import { DEFAULT_POLICY, type PolicyConfig } from '../../src/policy/policy-config.js';
import { policyConfigSchema } from '../../src/policy/policy-schema.js';

describe('policyConfigSchema', () => {
  it('fills an absent section with the default policy', () => {
    const parsed: PolicyConfig = policyConfigSchema.parse(undefined);
    assert.deepEqual(parsed.channels, DEFAULT_POLICY.channels);
    for (const [kind, policy] of Object.entries(DEFAULT_POLICY.kinds)) {
      assert.deepEqual(parsed.kinds[kind], { enabled: true, alwaysApprove: false, onExpiry: 'reject', ...policy }, kind);
    }
  });

  it('overrides one field of one kind and keeps the rest of the defaults', () => {
    const parsed = policyConfigSchema.parse({ kinds: { 'campaign.launch': { guardrails: [{ param: 'audienceSize', max: 50_000 }] } } });
    assert.deepEqual(parsed.kinds['campaign.launch']?.proposers, DEFAULT_POLICY.kinds['campaign.launch']?.proposers);
    assert.deepEqual(parsed.kinds['reward.adjust']?.guardrails, DEFAULT_POLICY.kinds['reward.adjust']?.guardrails);
    assert.equal(evaluateProposal({ kind: 'campaign.launch', proposer: 'growth', params: { audienceSize: 40_000 } }, parsed).outcome, 'apply');
  });

  it('does not share arrays with the default policy', () => {
    const parsed = policyConfigSchema.parse({});
    parsed.kinds['campaign.launch']!.proposers.push('ops');
    assert.deepEqual(DEFAULT_POLICY.kinds['campaign.launch']?.proposers, ['growth', 'operator']);
  });

  it('accepts a further kind given in full', () => {
    const parsed = policyConfigSchema.parse({ kinds: { 'test.noop': { proposers: ['ops'], approverRoles: ['approver'], priority: { type: 'fixed', priority: 'low' } } } });
    assert.equal(evaluateProposal({ kind: 'test.noop', proposer: 'ops', params: {} }, parsed).outcome, 'apply');
  });

  it('rejects unknown agents, roles and fields, and inconsistent limits', () => {
    const bad = [
      { kinds: { 'arm.stop': { proposers: ['intern'] } } },
      { kinds: { 'arm.stop': { approverRoles: ['viewer', 'root'] } } },
      { kinds: { 'arm.stop': { approverRoles: [] } } },
      { kinds: { 'arm.stop': { maxBudget: 1 } } },
      { kinds: { 'campaign.launch': { guardrails: [{ param: 'budget', max: 100, hardMax: 50 }] } } },
      { kinds: { 'test.partial': { proposers: ['ops'] } } },
      { channels: ['email'] },
      { channels: [] },
      { priority: 'high' },
    ];
    for (const input of bad) assert.equal(policyConfigSchema.safeParse(input).success, false, JSON.stringify(input));
  });
});
