import type { BayesClassifier } from 'natural/lib/natural/classifiers/index.js';
import { type SentimentResult, scoreSentiment } from './score-sentiment.js';
import { LEXICON_WEIGHT, modelLogOdds, shippedModel } from './sentiment-model.js';

/**
 * Sentiment of a text: natural's naive Bayes over words with negation scope
 * (trained on IMDB + Yelp sentences, sentiment-model.ts) plus the lexicon
 * score of scoreSentiment() weighted by LEXICON_WEIGHT. Neutral only when the
 * text carries no sentiment: no lexicon word and no word the classifier has seen. `score` is tanh(combined / 8), rounded to 4 decimals.
 */
export function classifySentiment(text: string, model: BayesClassifier = shippedModel()): SentimentResult {
  const lexicon = scoreSentiment(text);
  const { logOdds, known } = modelLogOdds(model, text);
  // A band of "unsure" log-odds around 0 cost accuracy in cross-validation on IMDB + Yelp
  // (a weak lean is still a lean), so neutral means nothing either source knows.
  const noSentiment = lexicon.hits === 0 && known === 0;
  const combined = noSentiment ? 0 : logOdds + LEXICON_WEIGHT * lexicon.score;
  const score = Math.round(Math.tanh(combined / 8) * 1e4) / 1e4;
  return { score, label: combined > 0 ? 'positive' : combined < 0 ? 'negative' : 'neutral', hits: lexicon.hits };
}
