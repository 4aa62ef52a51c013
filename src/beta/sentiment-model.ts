import { readFileSync } from 'node:fs';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { sentimentFeatures } from './sentiment-features.js';

export interface LabelledText {
  text: string;
  positive: boolean;
}

/**
 * Weight of the lexicon score (in [−1, 1]) against the classifier's log-odds.
 * Chosen by 5-fold cross-validation on the IMDB + Yelp sentences only
 * (bench/sentiment-accuracy.ts prints the sweep); the Amazon sentences played no part.
 */
export const LEXICON_WEIGHT = 8;

export const MODEL_PATH = new URL('./sentiment-model.json', import.meta.url);

/** natural's naive Bayes over {@link sentimentFeatures}, trained on labelled sentences. */
export function trainSentimentModel(items: readonly LabelledText[]): BayesClassifier {
  const classifier = new BayesClassifier();
  for (const item of items) classifier.addDocument(sentimentFeatures(item.text), item.positive ? 'positive' : 'negative');
  classifier.train();
  return classifier;
}

/** The model as stored: the trained counts only, not the training sentences. */
export function serialiseModel(classifier: BayesClassifier): string {
  const json = JSON.parse(JSON.stringify(classifier)) as Record<string, unknown>;
  json.docs = [];
  return JSON.stringify(json);
}

let shipped: BayesClassifier | null = null;

/** The shipped model (src/beta/sentiment-model.json, built by scripts/train-sentiment.ts), loaded on first use. */
export function shippedModel(): BayesClassifier {
  shipped ??= BayesClassifier.restore(JSON.parse(readFileSync(MODEL_PATH, 'utf8')));
  return shipped;
}

/** ln P(positive | features) − ln P(negative | features), and how many features the model has seen. */
export function modelLogOdds(classifier: BayesClassifier, text: string): { logOdds: number; known: number } {
  const features = sentimentFeatures(text);
  const scores = classifier.getClassifications(features);
  const p = scores.find((s) => s.label === 'positive')?.value ?? 0;
  const n = scores.find((s) => s.label === 'negative')?.value ?? 0;
  const vocabulary = (classifier as unknown as { features: Record<string, number> }).features;
  return { logOdds: Math.log(p + 1e-300) - Math.log(n + 1e-300), known: features.filter((f) => Object.hasOwn(vocabulary, f)).length };
}
