import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planSprint, renderSprintMarkdown } from '../../src/beta/sprint.js';
import type { UserStory } from '../../src/beta/stories.js';

function story(id: string, priority: number, points: number): UserStory {
  return {
    id,
    themeId: id.replace('story-', ''),
    title: `Fix: ${id}`,
    role: 'user',
    goal: 'it fixed',
    benefit: 'I can work',
    text: 'As a user, I want it fixed, so that I can work.',
    category: 'bug_report',
    acceptanceCriteria: ['No longer happens: "it breaks" (fb-1)'],
    evidence: ['fb-1'],
    tenantIds: ['t-1'],
    priority,
    priorityFactors: { frequency: priority, negativity: 1, tenantValue: 1 },
    points,
    pointsRationale: 'base 3 for bug_report',
  };
}

describe('planSprint', () => {
  const stories = [story('story-a', 50, 8), story('story-b', 40, 5), story('story-c', 30, 3), story('story-d', 20, 2)];

  it('commits stories by priority and skips one that does not fit while filling the rest', () => {
    const plan = planSprint(stories, { capacity: 12 });
    assert.deepEqual(plan.committed.map((s) => s.id), ['story-a', 'story-c']);
    assert.deepEqual(plan.deferred.map((d) => [d.story.id, d.reason]), [
      ['story-b', 'needs 5 points, 4 left'],
      ['story-d', 'needs 2 points, 1 left'],
    ]);
    assert.equal(plan.committedPoints, 11);
    assert.equal(plan.remainingPoints, 1);
  });

  it('never exceeds capacity for any capacity from 0 to 20', () => {
    for (let capacity = 0; capacity <= 20; capacity += 1) {
      const plan = planSprint(stories, { capacity });
      const used = plan.committed.reduce((sum, s) => sum + s.points, 0);
      assert.ok(used <= capacity);
      assert.equal(used, plan.committedPoints);
      assert.equal(plan.committed.length + plan.deferred.length, stories.length);
    }
  });

  it('breaks priority ties by fewer points so more stories fit', () => {
    const plan = planSprint([story('story-x', 10, 5), story('story-y', 10, 3)], { capacity: 5 });
    assert.deepEqual(plan.committed.map((s) => s.id), ['story-y']);
  });

  it('rejects a negative or non-numeric capacity', () => {
    assert.throws(() => planSprint(stories, { capacity: -1 }), RangeError);
    assert.throws(() => planSprint(stories, { capacity: Number.NaN }), RangeError);
  });
});

describe('renderSprintMarkdown', () => {
  it('renders the summary, the committed table with criteria and the deferred table', () => {
    const md = renderSprintMarkdown(
      planSprint([story('story-a', 50, 8), story('story-b', 40, 5)], { capacity: 10, name: 'Sprint 42', startDate: '2026-12-01' }),
    );
    assert.match(md, /^# Sprint plan: Sprint 42/);
    assert.match(md, /Start: 2026-12-01/);
    assert.match(md, /Capacity \*\*10\*\* points · committed \*\*8\*\* · remaining \*\*2\*\*/);
    assert.match(md, /\| 1 \| Fix: story-a \| bug_report \| 8 \| 50 \| 1 \|/);
    assert.match(md, /- \[ \] No longer happens: "it breaks" \(fb-1\)/);
    assert.match(md, /## Deferred[\s\S]*\| Fix: story-b \| 5 \| 40 \| needs 5 points, 2 left \|/);
  });

  it('says so when nothing fits', () => {
    assert.match(renderSprintMarkdown(planSprint([story('story-a', 5, 8)], { capacity: 3 })), /_Nothing fits the capacity._/);
  });
});
