/** How urgent an approval request is, least to most. */
export const PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** 0 for `low` up to 3 for `critical`. */
export function priorityRank(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}

/** Whether `priority` is `level` or more urgent. */
export function isAtLeast(priority: Priority, level: Priority): boolean {
  return priorityRank(priority) >= priorityRank(level);
}

/** The most urgent of the given priorities; `fallback` when there are none. */
export function maxPriority(priorities: Iterable<Priority>, fallback: Priority = 'low'): Priority {
  let top = fallback;
  for (const p of priorities) if (priorityRank(p) > priorityRank(top)) top = p;
  return top;
}
