/**
 * Category accuracy of analyzeFeedback on the hand-labelled SaaS feedback
 * set test/fixtures/feedback-categories.json (60 items per category).
 * The set and the cue tables were written by the same author, so treat the
 * figure as optimistic; it is a regression guard, not a generalisation claim.
 *
 * Run: node --import tsx bench/category-accuracy.ts
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { analyzeFeedback } from '../src/beta/analyze-feedback.js';
import { FEEDBACK_CATEGORIES } from '../src/beta/classify-category.js';
import type { FeedbackCategory } from '../src/beta/classify-category.js';

export const COMMAND = 'node --import tsx bench/category-accuracy.ts';
const FIXTURE = new URL('../test/fixtures/feedback-categories.json', import.meta.url);

export interface CategoryBenchResult {
  items: number;
  accuracy: number;
  /** confusion[actual][predicted] */
  confusion: Record<FeedbackCategory, Record<FeedbackCategory, number>>;
}

export function runCategoryBench(): CategoryBenchResult {
  const items = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Array<{ text: string; category: FeedbackCategory }>;
  const zeroRow = () => Object.fromEntries(FEEDBACK_CATEGORIES.map((c) => [c, 0])) as Record<FeedbackCategory, number>;
  const confusion = Object.fromEntries(FEEDBACK_CATEGORIES.map((c) => [c, zeroRow()])) as CategoryBenchResult['confusion'];
  let correct = 0;
  for (const item of items) {
    const predicted = analyzeFeedback(item.text).category;
    confusion[item.category][predicted] += 1;
    if (predicted === item.category) correct += 1;
  }
  return { items: items.length, accuracy: correct / items.length, confusion };
}

export function formatCategoryBench(result: CategoryBenchResult): string {
  const short = (c: string) => c.slice(0, 9).padStart(9);
  const lines = [
    `$ ${COMMAND}`,
    `category accuracy: ${(result.accuracy * 100).toFixed(1)}% of ${result.items}`,
    `actual \\ predicted ${FEEDBACK_CATEGORIES.map(short).join(' ')}   recall`,
  ];
  for (const actual of FEEDBACK_CATEGORIES) {
    const row = result.confusion[actual];
    const total = FEEDBACK_CATEGORIES.reduce((sum, c) => sum + row[c], 0);
    const cells = FEEDBACK_CATEGORIES.map((c) => String(row[c]).padStart(9)).join(' ');
    lines.push(`${actual.padEnd(18)} ${cells}   ${((row[actual] / total) * 100).toFixed(1)}%`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatCategoryBench(runCategoryBench()));
}
