import { classifyCategory } from './classify-category.js';
import type { FeedbackCategory } from './classify-category.js';
import { extractKeywords } from './extract-keywords.js';
import { scoreSentiment } from './score-sentiment.js';
import type { SentimentLabel } from './score-sentiment.js';

export interface FeedbackAnalysis {
  /** 'neutral' when |score| < 0.05 (see NEUTRAL_BAND in score-sentiment.ts). */
  sentiment: SentimentLabel;
  /** Sentiment in [-1, 1], rounded to 4 decimals. */
  score: number;
  category: FeedbackCategory;
  /** Up to 5 stopword-filtered, stem-grouped keywords, most frequent first. */
  keywords: string[];
}

/**
 * Sentiment, category and keywords of one piece of feedback.
 * See {@link scoreSentiment}, {@link classifyCategory} and {@link extractKeywords}.
 */
export function analyzeFeedback(text: string): FeedbackAnalysis {
  const { score, label } = scoreSentiment(text);
  const { category } = classifyCategory(text, score);
  return { sentiment: label, score, category, keywords: extractKeywords(text) };
}
