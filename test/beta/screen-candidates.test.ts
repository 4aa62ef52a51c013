import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { screenCandidates } from '../../src/beta/screen-candidates.js';
import type { BetaTenant, CandidateFilters } from '../../src/beta/screen-candidates.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/screening-tenants.json', import.meta.url), 'utf8')) as {
  now: string;
  filters: CandidateFilters;
  expectedPicked: string[];
  tenants: BetaTenant[];
};

describe('screenCandidates', () => {
  it('picks exactly the expected tenants from the fixture, highest score first', () => {
    const { candidates } = screenCandidates(fixture.tenants, { now: fixture.now, filters: fixture.filters });
    assert.deepEqual(candidates.map((c) => c.tenantId), fixture.expectedPicked);
    for (const c of candidates) assert.ok(c.score > 0.8);
  });

  it('gives every rejected fixture tenant exactly the reason it was designed to fail', () => {
    const { rejected } = screenCandidates(fixture.tenants, { now: fixture.now, filters: fixture.filters });
    const reasons = Object.fromEntries(rejected.map((r) => [r.tenantId, r.reasons]));
    assert.deepEqual(reasons['initech'], ['already in beta']);
    assert.deepEqual(reasons['umbrella-labs'], ['opted out']);
    assert.deepEqual(reasons['tiny-studio'], ['8 seats < 10']);
    assert.deepEqual(reasons['hooli-free'], ['plan free not in pro, enterprise']);
    for (const id of ['stark-manufacturing', 'wayne-consulting', 'soylent-foods']) {
      assert.equal(reasons[id]?.length, 1);
      assert.match(reasons[id]?.[0] ?? '', /not above 0.8/);
    }
    assert.equal(rejected.length + fixture.expectedPicked.length, fixture.tenants.length);
  });

  it('uses a strict greater-than comparison with the threshold', () => {
    const [first] = screenCandidates(fixture.tenants, { now: fixture.now }).candidates;
    assert.ok(first);
    const atScore = screenCandidates(fixture.tenants, { now: fixture.now, threshold: first.score });
    assert.ok(!atScore.candidates.some((c) => c.tenantId === first.tenantId));
  });

  it('drops the plan and seat filters when none are given, still excluding beta and opted-out tenants', () => {
    const { candidates } = screenCandidates(fixture.tenants, { now: fixture.now });
    assert.deepEqual(
      candidates.map((c) => c.tenantId).sort(),
      ['acme-logistics', 'globex-retail', 'hooli-free', 'northwind-health', 'tiny-studio'],
    );
  });

  it('honours the minimum active users and explicit exclusions', () => {
    const { candidates } = screenCandidates(fixture.tenants, {
      now: fixture.now,
      filters: { ...fixture.filters, minActiveUsers: 20, excludeTenantIds: ['acme-logistics'] },
    });
    assert.deepEqual(candidates.map((c) => c.tenantId), ['northwind-health']);
  });
});
