import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNumber, humanizeKey, renderPayload, renderPayloadLines } from '../../src/approvals/render-payload.js';

describe('renderPayload', () => {
  it('shows one labelled line per field with grouped numbers and units', () => {
    assert.equal(
      renderPayload({ audienceSize: 12_000, campaignId: 'spring-promo', dryRun: false, percentChange: -15, note: null }),
      ['Audience: 12,000 users', 'Campaign ID: spring-promo', 'Dry run: no', 'Note: none', 'Change: -15%'].join('\n'),
    );
  });

  it('flattens nested objects into labelled paths', () => {
    assert.deepEqual(renderPayloadLines({ budget: { daily: 500, total: 3_000, limits: { hard: 10_000 } } }), [
      'Budget › Daily: 500',
      'Budget › Limits › Hard: 10,000',
      'Budget › Total: 3,000',
    ]);
  });

  it('lists short arrays and summarises long ones', () => {
    assert.deepEqual(renderPayloadLines({ channels: ['email', 'push'], tags: [] }), ['Channels: email, push', 'Tags: none']);
    const tenantIds = Array.from({ length: 1_250 }, (_, i) => `t-${i}`);
    assert.deepEqual(renderPayloadLines({ tenantIds }), ['Tenants: t-0, t-1, t-2, t-3, t-4 … and 1,245 more (1,250 in total)']);
  });

  it('numbers the items of arrays of objects', () => {
    const arms = Array.from({ length: 7 }, (_, i) => ({ name: `arm-${i}`, share: 0.1 }));
    const lines = renderPayloadLines({ arms }, { maxArrayItems: 2 });
    assert.deepEqual(lines, ['Arms #1 › Name: arm-0', 'Arms #1 › Share: 0.1', 'Arms #2 › Name: arm-1', 'Arms #2 › Share: 0.1', 'Arms: … and 5 more (7 in total)']);
  });

  it('takes labels and units by path or key, the path first', () => {
    const text = renderPayload({ budget: { daily: 500 }, cap: { daily: 2 } }, { fields: { 'budget.daily': { label: 'Daily budget', unit: 'EUR' }, daily: { unit: 'sends' } } });
    assert.equal(text, 'Daily budget: 500 EUR\nCap › Daily: 2 sends');
  });

  it('keeps each value on one line and cuts long strings', () => {
    const [line] = renderPayloadLines({ message: `Hello\nworld ${'x'.repeat(500)}` }, { maxStringLength: 20 });
    assert.equal(line, 'Message: Hello world xxxxxxx…');
  });

  it('stays within the character limit and says how much was left out', () => {
    const payload = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field${String(i).padStart(3, '0')}`, 'v'.repeat(150)]));
    const text = renderPayload(payload);
    assert.ok(text.length <= 3500, `${text.length} chars`);
    assert.match(text, /… \d+ more lines not shown$/);
    const small = renderPayload(payload, { maxChars: 500 });
    assert.ok(small.length <= 500);
    assert.ok(renderPayload(payload, { maxChars: 4096 }).length <= 4096);
  });

  it('deeply nested values past the depth limit are shown as compact JSON', () => {
    assert.deepEqual(renderPayloadLines({ a: { b: { c: { d: 1 } } } }, { maxDepth: 2 }), ['A › B: {"c":{"d":1}}']);
  });

  it('says so when there is nothing to show', () => {
    assert.equal(renderPayload({}), '(no parameters)');
  });
});

describe('labels and numbers', () => {
  it('turns keys into words', () => {
    assert.equal(humanizeKey('audienceSize'), 'Audience size');
    assert.equal(humanizeKey('max_budget_usd'), 'Max budget usd');
    assert.equal(humanizeKey('maxBudgetUSD'), 'Max budget USD');
    assert.equal(humanizeKey('tenantIds'), 'Tenant IDs');
    assert.equal(humanizeKey('abTestURL'), 'A/B test URL');
  });

  it('groups thousands and leaves fractions and exponents alone', () => {
    assert.equal(formatNumber(1234567.891), '1,234,567.891');
    assert.equal(formatNumber(-1000), '-1,000');
    assert.equal(formatNumber(999), '999');
    assert.equal(formatNumber(1e21), '1e+21');
  });
});
