/**
 * Sentiment accuracy on the UCI "Sentiment Labelled Sentences" corpus (IMDB,
 * Yelp and Amazon, 500 positive + 500 negative each, shipped as test fixtures
 * of the `sentiment` package).
 *
 * - IMDB + Yelp: 5-fold cross-validation. Each fold's model is trained on the
 *   other four folds with the same code as the shipped model, so no sentence is
 *   scored by a model that saw it.
 * - Amazon: the shipped model (trained on all of IMDB + Yelp). Amazon was never
 *   used for training or tuning: it stands for a domain the model was not built on.
 * - For comparison: the lexicon alone (scoreSentiment) and natural's plain AFINN analyzer.
 *
 * Accuracy counts a neutral answer as wrong; the neutral share and the
 * confusion matrix (actual × predicted, with neutral) are printed too.
 *
 * Run: node --import tsx bench/sentiment-accuracy.ts
 */
import { pathToFileURL } from 'node:url';
import { SentimentAnalyzer } from 'natural/lib/natural/sentiment/index.js';
import { PorterStemmer } from 'natural/lib/natural/stemmers/index.js';
import { WordTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { classifySentiment } from '../src/beta/classify-sentiment.js';
import { scoreSentiment } from '../src/beta/score-sentiment.js';
import { type LabelledText, LEXICON_WEIGHT, modelLogOdds, shippedModel, trainSentimentModel } from '../src/beta/sentiment-model.js';
import { loadUciSentences } from './uci-sentences.js';

export const COMMAND = 'node --import tsx bench/sentiment-accuracy.ts';
type Label = 'positive' | 'neutral' | 'negative';

export interface Evaluation {
  name: string;
  items: number;
  accuracy: number;
  neutralShare: number;
  /** confusion[actual][predicted] */
  confusion: Record<'positive' | 'negative', Record<Label, number>>;
}

function evaluate(name: string, pairs: Array<{ item: LabelledText; predicted: Label }>): Evaluation {
  const confusion = { positive: { positive: 0, neutral: 0, negative: 0 }, negative: { positive: 0, neutral: 0, negative: 0 } };
  for (const { item, predicted } of pairs) confusion[item.positive ? 'positive' : 'negative'][predicted] += 1;
  const correct = confusion.positive.positive + confusion.negative.negative;
  const neutral = confusion.positive.neutral + confusion.negative.neutral;
  return { name, items: pairs.length, accuracy: correct / pairs.length, neutralShare: neutral / pairs.length, confusion };
}

/** Deterministic fold of an item: its index modulo k after a seeded shuffle. */
function folds<T>(items: readonly T[], k: number, seed = 12): T[][] {
  let s = seed;
  const order = items.map((item) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return { item, key: s };
  });
  order.sort((a, b) => a.key - b.key);
  return Array.from({ length: k }, (_, f) => order.filter((_, i) => i % k === f).map((x) => x.item));
}

/** Cross-validated predictions on IMDB + Yelp, for any lexicon weight (the tuning sweep uses the same folds). */
function crossValidated(items: readonly LabelledText[], k: number, weight = LEXICON_WEIGHT) {
  const parts = folds(items, k);
  return parts.flatMap((test, f) => {
    const model = trainSentimentModel(parts.filter((_, g) => g !== f).flat());
    return test.map((item) => {
      if (weight === LEXICON_WEIGHT) return { item, predicted: classifySentiment(item.text, model).label };
      const combined = modelLogOdds(model, item.text).logOdds + weight * scoreSentiment(item.text).score;
      return { item, predicted: (combined > 0 ? 'positive' : combined < 0 ? 'negative' : 'neutral') as Label };
    });
  });
}

export function runSentimentBench() {
  const permitted = [...loadUciSentences('imdb'), ...loadUciSentences('yelp')];
  const amazon = loadUciSentences('amazon');
  const analyzer = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
  const tokenizer = new WordTokenizer();
  const afinn = (text: string): Label => {
    const s = analyzer.getSentiment(tokenizer.tokenize(text));
    return s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral';
  };
  const model = shippedModel();
  return {
    results: [
      evaluate('IMDB + Yelp, 5-fold CV', crossValidated(permitted, 5)),
      evaluate('Amazon (unseen domain)', amazon.map((item) => ({ item, predicted: classifySentiment(item.text, model).label }))),
      evaluate('Amazon, lexicon alone', amazon.map((item) => ({ item, predicted: scoreSentiment(item.text).label }))),
      evaluate('Amazon, natural AFINN', amazon.map((item) => ({ item, predicted: afinn(item.text) }))),
    ],
    // the lexicon weight was picked from this sweep, on IMDB + Yelp folds only
    sweep: [0, 2, 4, 6, 8, 12].map((w) => ({ weight: w, accuracy: evaluate('', crossValidated(permitted, 5, w)).accuracy })),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function formatSentimentBench({ results, sweep }: ReturnType<typeof runSentimentBench>): string {
  const lines = [`$ ${COMMAND}`, '| set | items | accuracy | neutral | pos→pos | pos→neu | pos→neg | neg→pos | neg→neu | neg→neg |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of results) {
    const c = r.confusion;
    lines.push(`| ${r.name} | ${r.items} | ${pct(r.accuracy)} | ${pct(r.neutralShare)} | ${c.positive.positive} | ${c.positive.neutral} | ${c.positive.negative} | ${c.negative.positive} | ${c.negative.neutral} | ${c.negative.negative} |`);
  }
  lines.push(`lexicon weight sweep (IMDB + Yelp CV): ${sweep.map((s) => `${s.weight}: ${pct(s.accuracy)}`).join(', ')}`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatSentimentBench(runSentimentBench()));
}
