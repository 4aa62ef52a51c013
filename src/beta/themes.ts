import { analyzeFeedback } from './analyze-feedback.js';
import { averageLinkageClusters } from './average-linkage.js';
import { FEEDBACK_CATEGORIES } from './classify-category.js';
import type { FeedbackCategory } from './classify-category.js';
import type { SentimentLabel } from './score-sentiment.js';
import { buildTfIdf, cosineSimilarity, documentTerms } from './tfidf.js';
import type { TfIdfModel } from './tfidf.js';

export interface FeedbackItem {
  id: string;
  tenantId: string;
  text: string;
}

export interface ThemeMember extends FeedbackItem {
  sentiment: SentimentLabel;
  score: number;
  category: FeedbackCategory;
  /** Cosine similarity to the theme centroid; higher is more representative. */
  centrality: number;
}

export interface Theme {
  /** "theme-1" is the largest theme. */
  id: string;
  /** Top one or two terms, e.g. "csv export". */
  label: string;
  topTerms: string[];
  /** Members, most representative first. */
  members: ThemeMember[];
  feedbackIds: string[];
  tenantIds: string[];
  /** Groups of near-duplicate feedback ids (only groups of two or more). */
  duplicateGroups: string[][];
  /** All feedback in the theme, duplicates included. */
  count: number;
  /** Feedback after merging near-duplicates. */
  distinctCount: number;
  tenantCount: number;
  sentimentMix: Record<SentimentLabel, number>;
  categoryMix: Record<FeedbackCategory, number>;
  dominantCategory: FeedbackCategory;
  meanScore: number;
}

export interface ThemeReport {
  themes: Theme[];
  /** Feedback ids in clusters smaller than minThemeSize. */
  unthemed: string[];
}

export interface ThemeOptions {
  /**
   * Minimum average pairwise cosine similarity between two clusters to
   * merge them. Two short texts on one topic usually share one or two
   * weighted terms (cosine 0.15–0.4) and unrelated ones share none, but the
   * average over a growing cluster is lower than any typical pair, hence a
   * low cut. Higher values give smaller, purer themes.
   * @defaultValue 0.1
   */
  similarityThreshold?: number;
  /** Cosine at or above which two texts are near-duplicates and merged before clustering. @defaultValue 0.9 */
  duplicateThreshold?: number;
  /** Clusters with fewer distinct texts are reported as unthemed; pairs are often joined by one incidental word. @defaultValue 3 */
  minThemeSize?: number;
  /** Number of top terms per theme. @defaultValue 5 */
  topTermCount?: number;
}

function centroid(model: TfIdfModel, indices: readonly number[]): Map<number, number> {
  const sum = new Map<number, number>();
  for (const i of indices) for (const [id, w] of model.vectors[i] ?? []) sum.set(id, (sum.get(id) ?? 0) + w);
  const norm = Math.sqrt([...sum.values()].reduce((acc, w) => acc + w * w, 0)) || 1;
  for (const [id, w] of sum) sum.set(id, w / norm);
  return sum;
}

/** Term ids of a centroid, heaviest first. */
function topTermIds(center: ReadonlyMap<number, number>, count: number): number[] {
  return [...center].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, count).map(([id]) => id);
}

/**
 * "dark mode" when the two top terms are adjacent in at least a third of
 * the member texts (in either order), otherwise "dark / mode".
 */
function themeLabel(model: TfIdfModel, ids: readonly number[], texts: readonly string[]): string {
  const [first, second] = ids.map((id) => ({ stem: model.terms[id] ?? '', label: model.labels[id] ?? '' }));
  if (!first) return '';
  if (!second) return first.label;
  const wanted = new Set([`${first.stem} ${second.stem}`, `${second.stem} ${first.stem}`]);
  const forms = new Map<string, number>();
  for (const text of texts) {
    const found = documentTerms(text, { bigrams: true }).find((t) => wanted.has(t.key));
    if (found) forms.set(found.surface, (forms.get(found.surface) ?? 0) + 1);
  }
  const [best] = [...forms].sort((a, b) => b[1] - a[1]);
  const adjacent = [...forms.values()].reduce((acc, c) => acc + c, 0);
  return best && adjacent >= Math.max(2, texts.length / 3) ? best[0] : `${first.label} / ${second.label}`;
}

function unionFindGroups(n: number, linked: (i: number, j: number) => boolean): number[][] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x] as number)));
  for (let i = 0; i < n; i += 1) for (let j = i + 1; j < n; j += 1) if (linked(i, j)) parent[find(j)] = find(i);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i += 1) {
    const group = groups.get(find(i));
    if (group) group.push(i);
    else groups.set(find(i), [i]);
  }
  return [...groups.values()];
}

/**
 * Groups feedback into themes: TF-IDF vectors (see {@link buildTfIdf}),
 * near-duplicates (cosine ≥ duplicateThreshold, transitively) merged into
 * one representative, then average-linkage clustering of the
 * representatives cut at similarityThreshold. Themes are sorted by size.
 */
export function clusterThemes(items: readonly FeedbackItem[], options: ThemeOptions = {}): ThemeReport {
  const { similarityThreshold = 0.1, duplicateThreshold = 0.9, minThemeSize = 3, topTermCount = 5 } = options;
  const model = buildTfIdf(items.map((item) => item.text));
  const sim = (i: number, j: number) => cosineSimilarity(model.vectors[i] ?? new Map(), model.vectors[j] ?? new Map());
  const duplicateGroups = unionFindGroups(items.length, (i, j) => sim(i, j) >= duplicateThreshold);
  const reps = duplicateGroups.map((g) => g[0] as number);
  const clusters = averageLinkageClusters(reps.length, (a, b) => sim(reps[a] as number, reps[b] as number), similarityThreshold);

  const analyses = items.map((item) => analyzeFeedback(item.text));
  const themes: Theme[] = [];
  const unthemed: string[] = [];
  for (const cluster of clusters) {
    const groups = cluster.map((r) => duplicateGroups[r] ?? []);
    const indices = groups.flat();
    if (cluster.length < minThemeSize) {
      unthemed.push(...indices.map((i) => items[i]?.id ?? ''));
      continue;
    }
    const center = centroid(model, indices);
    const members: ThemeMember[] = indices
      .map((i) => {
        const item = items[i] as FeedbackItem;
        const a = analyses[i] as (typeof analyses)[number];
        const centrality = Math.round(cosineSimilarity(model.vectors[i] ?? new Map(), center) * 1e4) / 1e4;
        return { ...item, sentiment: a.sentiment, score: a.score, category: a.category, centrality };
      })
      .sort((x, y) => y.centrality - x.centrality || x.id.localeCompare(y.id));
    const sentimentMix: Record<SentimentLabel, number> = { positive: 0, neutral: 0, negative: 0 };
    const categoryMix = Object.fromEntries(FEEDBACK_CATEGORIES.map((c) => [c, 0])) as Record<FeedbackCategory, number>;
    for (const m of members) {
      sentimentMix[m.sentiment] += 1;
      categoryMix[m.category] += 1;
    }
    const termIds = topTermIds(center, topTermCount);
    const tenantIds = [...new Set(members.map((m) => m.tenantId))].sort();
    themes.push({
      id: '',
      label: themeLabel(model, termIds, members.map((m) => m.text)),
      topTerms: termIds.map((id) => model.labels[id] ?? ''),
      members,
      feedbackIds: members.map((m) => m.id),
      tenantIds,
      duplicateGroups: groups.filter((g) => g.length > 1).map((g) => g.map((i) => items[i]?.id ?? '')),
      count: members.length,
      distinctCount: cluster.length,
      tenantCount: tenantIds.length,
      sentimentMix,
      categoryMix,
      dominantCategory: FEEDBACK_CATEGORIES.reduce((best, c) => (categoryMix[c] > categoryMix[best] ? c : best)),
      meanScore: Math.round((members.reduce((acc, m) => acc + m.score, 0) / members.length) * 1e4) / 1e4,
    });
  }
  themes.sort((a, b) => b.count - a.count || (a.feedbackIds[0] ?? '').localeCompare(b.feedbackIds[0] ?? ''));
  themes.forEach((theme, i) => (theme.id = `theme-${i + 1}`));
  return { themes, unthemed };
}
