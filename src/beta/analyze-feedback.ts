import { classifyCategory } from './classify-category.js';
import type { FeedbackCategory } from './classify-category.js';
import { extractKeywords } from './extract-keywords.js';
import { classifySentiment } from './classify-sentiment.js';
import { scoreSentiment } from './score-sentiment.js';
import type { SentimentLabel } from './score-sentiment.js';

export interface FeedbackAnalysis {
  /** 'neutral' only when the text carries no sentiment (see classify-sentiment.ts). */
  sentiment: SentimentLabel;
  /** Sentiment in [-1, 1], rounded to 4 decimals. */
  score: number;
  category: FeedbackCategory;
  /** Up to 5 stopword-filtered, stem-grouped keywords, most frequent first. */
  keywords: string[];
}

/**
 * Sentiment, category and keywords of one piece of feedback.
 * See {@link classifySentiment}, {@link classifyCategory} and {@link extractKeywords}.
 */
export function analyzeFeedback(text: string): FeedbackAnalysis {
  const { score, label } = classifySentiment(text);
  // The category cues were tuned with the lexicon score, so they keep it.
  const { category } = classifyCategory(text, scoreSentiment(text).score);
  return { sentiment: label, score, category, keywords: extractKeywords(text) };
}
