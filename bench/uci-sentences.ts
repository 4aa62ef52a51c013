import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LabelledText } from '../src/beta/sentiment-model.js';

/** One set of the UCI "Sentiment Labelled Sentences" corpus, as the `sentiment` package ships it in its test fixtures. */
export function loadUciSentences(name: 'imdb' | 'yelp' | 'amazon'): LabelledText[] {
  const fixtures = join(dirname(createRequire(import.meta.url).resolve('sentiment/package.json')), 'test', 'fixtures');
  const raw = JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as Array<{ text: string; class: number | null }>;
  // each file ends with one empty {"text":"","class":null} record
  return raw.filter((r) => r.class === 0 || r.class === 1).map((r) => ({ text: r.text, positive: r.class === 1 }));
}
