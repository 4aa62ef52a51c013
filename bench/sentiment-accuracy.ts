/**
 * Sentiment accuracy on the UCI "Sentiment Labelled Sentences" IMDB and Yelp
 * sets (500 positive + 500 negative each, shipped as test fixtures of the
 * `sentiment` package): natural's plain AFINN analyzer vs analyzeFeedback.
 *
 * Mapping to the binary labels: natural is positive iff its score > 0;
 * analyzeFeedback is positive iff sentiment === 'positive' (neutral counts
 * as not-positive). Coverage and accuracy on non-neutral predictions are
 * printed too, since a zero score is a non-answer for both methods.
 *
 * Run: node --import tsx bench/sentiment-accuracy.ts
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SentimentAnalyzer } from 'natural/lib/natural/sentiment/index.js';
import { PorterStemmer } from 'natural/lib/natural/stemmers/index.js';
import { WordTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { analyzeFeedback } from '../src/beta/analyze-feedback.js';

export const COMMAND = 'node --import tsx bench/sentiment-accuracy.ts';
const DATASETS = ['imdb', 'yelp'] as const;

interface Labelled {
  text: string;
  positive: boolean;
}

export interface MethodScore {
  accuracy: number;
  /** Share of items with a non-zero (natural) or non-neutral (analyzeFeedback) prediction. */
  coverage: number;
  /** Accuracy over the covered items only. */
  coveredAccuracy: number;
}

export interface DatasetResult {
  dataset: string;
  items: number;
  natural: MethodScore;
  analyzeFeedback: MethodScore;
}

function loadDataset(name: string): Labelled[] {
  const fixtures = join(dirname(createRequire(import.meta.url).resolve('sentiment/package.json')), 'test', 'fixtures');
  const raw = JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as Array<{ text: string; class: number | null }>;
  // each file ends with one empty {"text":"","class":null} record
  return raw.filter((r) => r.class === 0 || r.class === 1).map((r) => ({ text: r.text, positive: r.class === 1 }));
}

function score(items: readonly Labelled[], predict: (text: string) => number): MethodScore {
  let correct = 0;
  let covered = 0;
  let coveredCorrect = 0;
  for (const item of items) {
    const s = predict(item.text);
    const ok = s > 0 === item.positive;
    if (ok) correct += 1;
    if (s !== 0) {
      covered += 1;
      if (ok) coveredCorrect += 1;
    }
  }
  return { accuracy: correct / items.length, coverage: covered / items.length, coveredAccuracy: coveredCorrect / covered };
}

export function runSentimentBench(): DatasetResult[] {
  const analyzer = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
  const tokenizer = new WordTokenizer();
  const naturalPredict = (text: string) => analyzer.getSentiment(tokenizer.tokenize(text));
  const oursPredict = (text: string) => {
    const { sentiment } = analyzeFeedback(text);
    return sentiment === 'positive' ? 1 : sentiment === 'negative' ? -1 : 0;
  };
  const perDataset = DATASETS.map((name) => ({ name, items: loadDataset(name) }));
  const all = perDataset.flatMap((d) => d.items);
  return [...perDataset, { name: 'overall', items: all }].map(({ name, items }) => ({
    dataset: name,
    items: items.length,
    natural: score(items, naturalPredict),
    analyzeFeedback: score(items, oursPredict),
  }));
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);

export function formatSentimentBench(results: readonly DatasetResult[]): string {
  const lines = [
    `$ ${COMMAND}`,
    'dataset   items | natural afinn: acc  cover  acc@cover | analyzeFeedback: acc  cover  acc@cover',
  ];
  for (const r of results) {
    lines.push(
      `${r.dataset.padEnd(8)} ${String(r.items).padStart(5)} |        ${pct(r.natural.accuracy)} ${pct(r.natural.coverage)} ${pct(r.natural.coveredAccuracy)} |          ${pct(r.analyzeFeedback.accuracy)} ${pct(r.analyzeFeedback.coverage)} ${pct(r.analyzeFeedback.coveredAccuracy)}`,
    );
  }
  lines.push('positive iff natural score > 0 / analyzeFeedback sentiment === "positive"; zero or neutral counts as negative');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatSentimentBench(runSentimentBench()));
}
