import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { payloadHash } from '../../src/approvals/payload-hash.js';
import { checkApprovalForAction } from '../../src/approvals/use-approval.js';

const params = { campaignId: 'c-1', audienceSize: 25_000, budget: 2_000 };
const approved = { status: 'approved' as const, payloadHash: payloadHash(params) };

describe('checkApprovalForAction', () => {
  it('allows an approved, unused request whose parameters are exactly what was approved', () => {
    assert.deepEqual(checkApprovalForAction(approved, { budget: 2_000, audienceSize: 25_000, campaignId: 'c-1' }), { ok: true, payloadHash: approved.payloadHash });
    assert.equal(checkApprovalForAction(approved, params, { usedAt: null }).ok, true);
  });

  it('refuses parameters changed after approval', () => {
    const check = checkApprovalForAction(approved, { ...params, budget: 2_001 });
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.reason, 'payload_changed');
  });

  it('refuses parameters that cannot be hashed as changed rather than throwing', () => {
    const check = checkApprovalForAction(approved, { ...params, startsAt: new Date(0) });
    assert.equal(!check.ok && check.reason, 'payload_changed');
  });

  it('refuses an approval used before', () => {
    for (const usedAt of [new Date('2026-03-01T12:00:00Z'), '2026-03-01T12:00:00Z']) {
      const check = checkApprovalForAction(approved, params, { usedAt });
      assert.equal(!check.ok && check.reason, 'already_used');
      assert.match(!check.ok ? check.detail : '', /2026-03-01T12:00:00.000Z/);
    }
  });

  it('refuses any request that is not approved', () => {
    for (const status of ['pending', 'rejected', 'expired', 'cancelled'] as const) {
      const check = checkApprovalForAction({ ...approved, status }, params);
      assert.equal(!check.ok && check.reason, 'not_approved');
    }
  });
});
