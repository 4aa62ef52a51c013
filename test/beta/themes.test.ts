import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { averageLinkageClusters } from '../../src/beta/average-linkage.js';
import { clusterThemes } from '../../src/beta/themes.js';
import type { FeedbackItem } from '../../src/beta/themes.js';
import { buildTfIdf, cosineSimilarity } from '../../src/beta/tfidf.js';
import { mulberry32 as seededRandom } from '../../src/growth/mulberry32.js';

/** Textbook O(n³) average linkage: repeatedly merge the most similar pair while it reaches the threshold. */
function naiveAverageLinkage(n: number, sim: (i: number, j: number) => number, threshold: number): number[][] {
  let clusters = Array.from({ length: n }, (_, i) => [i]);
  const linkage = (a: number[], b: number[]) => {
    let sum = 0;
    for (const i of a) for (const j of b) sum += sim(i, j);
    return sum / (a.length * b.length);
  };
  for (;;) {
    let best: [number, number] | undefined;
    let bestSim = -Infinity;
    for (let x = 0; x < clusters.length; x += 1) {
      for (let y = x + 1; y < clusters.length; y += 1) {
        const s = linkage(clusters[x] ?? [], clusters[y] ?? []);
        if (s > bestSim) [best, bestSim] = [[x, y], s];
      }
    }
    if (!best || bestSim < threshold) break;
    const [x, y] = best;
    const merged = [...(clusters[x] ?? []), ...(clusters[y] ?? [])].sort((p, q) => p - q);
    clusters = clusters.filter((_, k) => k !== x && k !== y).concat([merged]);
  }
  return clusters.sort((p, q) => (p[0] ?? 0) - (q[0] ?? 0));
}

const items = (texts: string[]): FeedbackItem[] =>
  texts.map((text, i) => ({ id: `fb-${i + 1}`, tenantId: `tenant-${(i % 3) + 1}`, text }));

describe('averageLinkageClusters', () => {
  it('matches the textbook greedy algorithm on 200 seeded random similarity matrices', () => {
    const rand = seededRandom(7);
    for (let round = 0; round < 200; round += 1) {
      const n = 2 + Math.floor(rand() * 14);
      // points on a line give structured, tie-free similarities
      const xs = Array.from({ length: n }, () => rand() * 10);
      const sim = (i: number, j: number) => 1 / (1 + Math.abs((xs[i] ?? 0) - (xs[j] ?? 0)));
      const threshold = 0.1 + rand() * 0.6;
      assert.deepEqual(averageLinkageClusters(n, sim, threshold), naiveAverageLinkage(n, sim, threshold), `round ${round}`);
    }
  });

  it('returns singletons when nothing reaches the threshold and one cluster when everything does', () => {
    assert.deepEqual(averageLinkageClusters(3, () => 0, 0.5), [[0], [1], [2]]);
    assert.deepEqual(averageLinkageClusters(3, () => 1, 0.5), [[0, 1, 2]]);
    assert.deepEqual(averageLinkageClusters(0, () => 1, 0.5), []);
  });
});

describe('buildTfIdf', () => {
  it('gives identical texts cosine 1 and texts without shared terms cosine 0', () => {
    const model = buildTfIdf(['CSV export is broken', 'csv EXPORT is broken!', 'Dark mode please']);
    const [a, b, c] = model.vectors;
    assert.ok(a && b && c);
    assert.ok(Math.abs(cosineSimilarity(a, b) - 1) < 1e-9);
    assert.equal(cosineSimilarity(a, c), 0);
  });
});

describe('clusterThemes', () => {
  const feedback = items([
    'Please add CSV export for reports.',
    'We need a CSV export of the reports page.',
    'CSV export of reports would help our finance team.',
    'The mobile app crashes on launch.',
    'Mobile app crashes when I upload a photo.',
    'The mobile app crashes constantly since the update.',
    'Please add CSV export for reports!',
    'What is your refund policy?',
  ]);

  it('groups texts about the same topic and leaves a lone text unthemed', () => {
    const { themes, unthemed } = clusterThemes(feedback);
    const sets = themes.map((t) => [...t.feedbackIds].sort());
    assert.deepEqual(sets, [
      ['fb-1', 'fb-2', 'fb-3', 'fb-7'],
      ['fb-4', 'fb-5', 'fb-6'],
    ]);
    assert.deepEqual(unthemed, ['fb-8']);
  });

  it('merges near-duplicates before clustering and reports them', () => {
    const [csv] = clusterThemes(feedback).themes;
    assert.ok(csv);
    assert.deepEqual(csv.duplicateGroups, [['fb-1', 'fb-7']]);
    assert.equal(csv.count, 4);
    assert.equal(csv.distinctCount, 3);
  });

  it('labels themes with their top terms and counts sentiment, categories and tenants', () => {
    const [csv, crashes] = clusterThemes(feedback).themes;
    assert.ok(csv && crashes);
    assert.equal(csv.label, 'csv export');
    assert.ok(crashes.topTerms.includes('crashes'));
    assert.equal(crashes.sentimentMix.negative, 3);
    assert.equal(crashes.dominantCategory, 'bug_report');
    assert.equal(csv.dominantCategory, 'feature_request');
    const total = Object.values(csv.sentimentMix).reduce((a, b) => a + b, 0);
    assert.equal(total, csv.count);
    assert.deepEqual(csv.tenantIds, ['tenant-1', 'tenant-2', 'tenant-3']);
    assert.equal(csv.tenantCount, 3);
  });

  it('splits more finely as the similarity threshold rises', () => {
    const loose = clusterThemes(feedback, { similarityThreshold: 0.05, minThemeSize: 1 }).themes.length;
    const strict = clusterThemes(feedback, { similarityThreshold: 0.6, minThemeSize: 1 }).themes.length;
    assert.ok(strict > loose);
  });

  it('is deterministic for the same input', () => {
    assert.deepEqual(clusterThemes(feedback), clusterThemes(feedback));
  });
});
