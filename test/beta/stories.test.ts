import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildStories, estimatePoints, FIBONACCI_POINTS } from '../../src/beta/stories.js';
import { clusterThemes } from '../../src/beta/themes.js';
import type { FeedbackItem, Theme } from '../../src/beta/themes.js';

const feedback: FeedbackItem[] = [
  { id: 'fb-1', tenantId: 'big-co', text: 'Please add CSV export for reports so that finance can reconcile invoices.' },
  { id: 'fb-2', tenantId: 'small-co', text: 'We need a CSV export of the reports page.' },
  { id: 'fb-3', tenantId: 'mid-co', text: 'A CSV export of reports would help our finance team.' },
  { id: 'fb-4', tenantId: 'big-co', text: 'The mobile app crashes on launch.' },
  { id: 'fb-5', tenantId: 'mid-co', text: 'Mobile app crashes when I upload a photo.' },
  { id: 'fb-6', tenantId: 'small-co', text: 'The mobile app crashes constantly since the update.' },
  { id: 'fb-7', tenantId: 'small-co', text: 'Love the new editor, great work!' },
  { id: 'fb-8', tenantId: 'mid-co', text: 'The new editor is great, thanks a lot.' },
  { id: 'fb-9', tenantId: 'big-co', text: 'Really impressed by the editor redesign, it is great.' },
];
const { themes } = clusterThemes(feedback);

describe('buildStories', () => {
  const stories = buildStories(themes);

  it('writes one story per actionable theme in the "As a …, I want …, so that …" form and skips praise', () => {
    assert.equal(stories.length, 2);
    for (const s of stories) assert.match(s.text, /^As an? .+, I want .+, so that .+\.$/);
    assert.ok(!stories.some((s) => s.category === 'praise'));
  });

  it('lifts the goal and the benefit from the feedback when a request states them', () => {
    const csv = stories.find((s) => s.category === 'feature_request');
    assert.ok(csv);
    assert.equal(csv.goal, 'CSV export for reports');
    assert.equal(csv.benefit, 'finance can reconcile invoices');
    assert.equal(csv.role, 'finance user');
  });

  it('cites the feedback ids as evidence and quotes them in acceptance criteria', () => {
    const crashes = stories.find((s) => s.category === 'bug_report');
    assert.ok(crashes);
    assert.deepEqual([...crashes.evidence].sort(), ['fb-4', 'fb-5', 'fb-6']);
    const quoted = crashes.acceptanceCriteria.filter((c) => /\(fb-\d\)$/.test(c));
    assert.equal(quoted.length, 3);
    assert.ok(quoted.every((c) => c.startsWith('No longer happens: "')));
    assert.match(crashes.acceptanceCriteria.at(-1) ?? '', /All 3 linked feedback items \(3 tenants\)/);
  });

  it('computes priority as frequency × negativity × mean tenant value', () => {
    const crashes = stories.find((s) => s.category === 'bug_report');
    assert.ok(crashes);
    assert.deepEqual(crashes.priorityFactors, { frequency: 3, negativity: 2, tenantValue: 1 });
    assert.equal(crashes.priority, 6);
    const weighted = buildStories(themes, { tenantValue: { 'big-co': 4 } }).find((s) => s.category === 'bug_report');
    assert.equal(weighted?.priority, 3 * 2 * 2);
  });

  it('orders stories by priority, highest first', () => {
    for (let i = 1; i < stories.length; i += 1) assert.ok((stories[i - 1]?.priority ?? 0) >= (stories[i]?.priority ?? 0));
  });

  it('can include praise themes when asked to', () => {
    const all = buildStories(themes, { categories: ['praise', 'bug_report', 'feature_request'] });
    assert.equal(all.length, 3);
  });
});

describe('estimatePoints', () => {
  const theme = (overrides: Partial<Theme>): Theme => ({ ...(themes[0] as Theme), ...overrides });

  it('starts from the category base and steps up the Fibonacci scale for breadth and cross-system work', () => {
    assert.equal(estimatePoints(theme({ tenantCount: 1, topTerms: ['report'] }), 'question').points, 1);
    assert.equal(estimatePoints(theme({ tenantCount: 1, topTerms: ['report'] }), 'bug_report').points, 3);
    assert.equal(estimatePoints(theme({ tenantCount: 6, topTerms: ['report'] }), 'bug_report').points, 5);
    assert.equal(estimatePoints(theme({ tenantCount: 6, topTerms: ['sso'] }), 'bug_report').points, 8);
    assert.equal(estimatePoints(theme({ tenantCount: 9, topTerms: ['api'] }), 'feature_request').points, 13);
  });

  it('always returns a Fibonacci value and explains it', () => {
    const { points, rationale } = estimatePoints(theme({ tenantCount: 50, topTerms: ['mobile'] }), 'feature_request');
    assert.ok((FIBONACCI_POINTS as readonly number[]).includes(points));
    assert.match(rationale, /base 5 for feature_request, 50 tenants, cross-system topic "mobile"/);
  });
});
