import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { planSprint, renderSprintMarkdown } from '../../src/beta/sprint.js';
import { buildStories } from '../../src/beta/stories.js';
import { clusterThemes } from '../../src/beta/themes.js';
import type { FeedbackItem } from '../../src/beta/themes.js';

const sample = JSON.parse(
  readFileSync(new URL('../fixtures/feedback-sample.json', import.meta.url), 'utf8'),
) as FeedbackItem[];
const ids = new Set(sample.map((f) => f.id));

describe('feedback pipeline on test/fixtures/feedback-sample.json', () => {
  const report = clusterThemes(sample);
  const stories = buildStories(report.themes, { tenantValue: { 'tenant-01': 3, 'tenant-02': 2 } });
  const plan = planSprint(stories, { capacity: 20, name: 'Beta sprint 1' });

  it('uses a fixture of about 200 feedback items with unique ids and tenant ids', () => {
    assert.ok(sample.length >= 190 && sample.length <= 210);
    assert.equal(ids.size, sample.length);
    assert.ok(sample.every((f) => f.tenantId.length > 0 && f.text.length > 0));
  });

  it('places every feedback item in exactly one theme or in the unthemed list', () => {
    const placed = [...report.themes.flatMap((t) => t.feedbackIds), ...report.unthemed];
    assert.equal(placed.length, sample.length);
    assert.deepEqual(new Set(placed), ids);
  });

  it('finds the recurring topics as sizeable themes', () => {
    const themeWith = (term: string) =>
      report.themes.find((t) => t.topTerms.slice(0, 3).includes(term) && t.count >= 8);
    for (const term of ['crashes', 'dashboard', 'csv', 'dark', 'slack']) assert.ok(themeWith(term), `no theme about ${term}`);
    assert.ok(report.themes.filter((t) => t.count >= 5).length >= 6);
  });

  it('merges the repeated texts in the sample as near-duplicates', () => {
    const duplicates = report.themes.flatMap((t) => t.duplicateGroups);
    assert.ok(duplicates.length >= 3);
    assert.ok(duplicates.every((g) => g.length >= 2));
  });

  it('builds stories whose evidence is exactly their theme members and quotes existing feedback', () => {
    assert.ok(stories.length >= 5);
    const byTheme = new Map(report.themes.map((t) => [t.id, t]));
    for (const s of stories) {
      assert.ok(s.evidence.length >= 3);
      assert.deepEqual(s.evidence, byTheme.get(s.themeId)?.feedbackIds);
      for (const c of s.acceptanceCriteria) {
        const cited = c.match(/\((fb-\d+)\)$/)?.[1];
        if (cited) assert.ok(s.evidence.includes(cited), `${s.id} cites ${cited} outside its evidence`);
      }
      assert.match(s.text, /^As an? .+, I want .+, so that .+\.$/);
    }
  });

  it('ranks the mobile crash theme first', () => {
    assert.equal(stories[0]?.category, 'bug_report');
    assert.ok(stories[0]?.title.includes('crash'));
  });

  it('produces a sprint report that respects the capacity and serialises to JSON', () => {
    const used = plan.committed.reduce((sum, s) => sum + s.points, 0);
    assert.ok(used <= 20);
    assert.equal(plan.committedPoints, used);
    assert.ok(plan.committed.length > 0 && plan.deferred.length > 0);
    assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
    const md = renderSprintMarkdown(plan);
    for (const s of plan.committed) assert.ok(md.includes(s.title));
  });

  it('gives the same themes, stories and plan on a second run', () => {
    const again = clusterThemes(sample);
    assert.deepEqual(again, report);
    assert.deepEqual(planSprint(buildStories(again.themes, { tenantValue: { 'tenant-01': 3, 'tenant-02': 2 } }), { capacity: 20, name: 'Beta sprint 1' }), plan);
  });
});
