import type { UserStory } from './stories.js';

export interface SprintOptions {
  /** Team capacity in story points. */
  capacity: number;
  /** @defaultValue 'Next sprint' */
  name?: string;
  /** Shown in the report as given (e.g. an ISO date); nothing is computed from it. @defaultValue undefined */
  startDate?: string;
}

export interface DeferredStory {
  story: UserStory;
  reason: string;
}

export interface SprintPlan {
  name: string;
  startDate?: string;
  capacity: number;
  committedPoints: number;
  remainingPoints: number;
  /** In priority order. */
  committed: UserStory[];
  deferred: DeferredStory[];
}

/**
 * Greedy fit by priority: walk stories from highest priority (ties: fewer
 * points, then id) and commit each one that still fits the remaining
 * capacity. A story that does not fit is skipped, not a stopping point, so
 * a smaller lower-priority story can still fill the leftover points; the
 * skipped one is listed as deferred with the reason.
 */
export function planSprint(stories: readonly UserStory[], options: SprintOptions): SprintPlan {
  const { capacity, name = 'Next sprint', startDate } = options;
  if (!Number.isFinite(capacity) || capacity < 0) throw new RangeError(`capacity must be a non-negative number, got ${capacity}`);
  const ordered = [...stories].sort((a, b) => b.priority - a.priority || a.points - b.points || a.id.localeCompare(b.id));
  const committed: UserStory[] = [];
  const deferred: DeferredStory[] = [];
  let remaining = capacity;
  for (const story of ordered) {
    if (story.points <= remaining) {
      committed.push(story);
      remaining -= story.points;
    } else {
      deferred.push({ story, reason: `needs ${story.points} points, ${remaining} left` });
    }
  }
  return {
    name,
    ...(startDate === undefined ? {} : { startDate }),
    capacity,
    committedPoints: capacity - remaining,
    remainingPoints: remaining,
    committed,
    deferred,
  };
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/** Markdown report: summary, committed table, story details with acceptance criteria, deferred table. */
export function renderSprintMarkdown(plan: SprintPlan): string {
  const lines = [
    `# Sprint plan: ${plan.name}`,
    '',
    ...(plan.startDate ? [`Start: ${plan.startDate}`, ''] : []),
    `Capacity **${plan.capacity}** points · committed **${plan.committedPoints}** · remaining **${plan.remainingPoints}** · ${plan.committed.length} stories committed, ${plan.deferred.length} deferred`,
    '',
    '## Committed',
    '',
  ];
  if (plan.committed.length === 0) lines.push('_Nothing fits the capacity._', '');
  else {
    lines.push('| # | Story | Category | Points | Priority | Evidence |', '|---|---|---|---:|---:|---:|');
    plan.committed.forEach((s, i) => {
      lines.push(`| ${i + 1} | ${cell(s.title)} | ${s.category} | ${s.points} | ${s.priority} | ${s.evidence.length} |`);
    });
    lines.push('');
    for (const s of plan.committed) {
      lines.push(
        `### ${cell(s.title)} (${s.points} pts)`,
        '',
        s.text,
        '',
        `Priority ${s.priority} = frequency ${s.priorityFactors.frequency} × negativity ${s.priorityFactors.negativity} × tenant value ${s.priorityFactors.tenantValue}. Estimate: ${s.pointsRationale}.`,
        '',
        'Acceptance criteria:',
        '',
        ...s.acceptanceCriteria.map((c) => `- [ ] ${c}`),
        '',
        `Evidence: ${s.evidence.join(', ')}`,
        '',
      );
    }
  }
  if (plan.deferred.length > 0) {
    lines.push('## Deferred', '', '| Story | Points | Priority | Reason |', '|---|---:|---:|---|');
    for (const { story, reason } of plan.deferred) {
      lines.push(`| ${cell(story.title)} | ${story.points} | ${story.priority} | ${reason} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
