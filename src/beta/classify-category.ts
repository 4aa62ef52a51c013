import { normalizeText } from './tokenize.js';

export type FeedbackCategory = 'bug_report' | 'feature_request' | 'praise' | 'complaint' | 'question';

export const FEEDBACK_CATEGORIES: readonly FeedbackCategory[] = [
  'bug_report',
  'feature_request',
  'question',
  'complaint',
  'praise',
];

export interface CategoryResult {
  category: FeedbackCategory;
  /** Evidence per category; the largest wins, ties go to the order of {@link FEEDBACK_CATEGORIES}. */
  scores: Record<FeedbackCategory, number>;
}

type Cue = readonly [pattern: RegExp, weight: number];

// Patterns run on normalizeText() output: lower case, contractions expanded
// ("doesn't" → "does not", "I'd" → "i would"), punctuation kept.
const NOT = String.raw`(?:not|never|no longer)`;

/** Something is malfunctioning: crash/error vocabulary, a negated function verb, wrong output, reproduction context. */
const BUG_CUES: readonly Cue[] = [
  [/\bcrash(es|ed|ing)?\b|\bforce clos/, 3],
  [/\b(errors?|exceptions?|bugs?|buggy|glitch\w*)\b|\b(40[0-9]|50[0-9])\b/, 2],
  [new RegExp(String.raw`\b(does|do|did|is|are|was|will|can|could) ${NOT} (\w+ )?(work|load|open|save|sync|show|appear|respond|start|connect|send|display|render|upload|download|find|arrive|match|update)`), 3],
  [/\b(stopped|stops|keeps?|kept) (working|arriving|loading|syncing|sending|showing|crashing|failing|logging)\b/, 3],
  [/\bfail(s|ed|ing|ure)?\b|\bbroken\b|\bbreaks?\b|\bbroke\b/, 2],
  [/\b(freez\w*|froze|hangs?|stuck|spinner|blank)\b/, 2],
  [/\b(wrong|incorrect|instead of|twice|duplicates?|duplicated)\b/, 1.5],
  [/\b(disappear\w*|vanish\w*|lost|lose|loses|deleted|removed|missing)\b/, 1],
  [/\b(every time|whenever|each time|as soon as|after (the|i|we|an?|updating|enabling)|since (the|yesterday|version|last|friday|monday))\b/, 1],
  [/\b(unable to|nothing happens|does nothing|logs? me (out|into))\b/, 2],
];

/** Asking for something new: polite imperatives, hypotheticals ("would be great if"), "ability/option to". */
const FEATURE_CUES: readonly Cue[] = [
  [/\b(please|pls|plz)\b/, 1],
  [/\b(could|can|would|will) (you|we|they) (please )?(add|support|allow|make|build|provide|include|consider|expose|offer|get|have|let)\b/, 2.5],
  [/(^|[.!?]\s*)(please )?(add|allow|provide|make|give|let|support|include|enable|offer|build|show|requesting)\b/, 2],
  [/\bwould (be|make|save|let|help|close|allow|give)\b|\bit would\b|\bwould (love|like|really like|pay|benefit)\b/, 2],
  [/\b(i|we) wish\b|\bhow about\b|\bany (plans?|chance)\b/, 2],
  [/\b(ability|option|possibility|a way) to\b|\bbe able to\b|\bit should be possible\b|\bmake it possible\b/, 1.5],
  [/\bsupport for\b|\bintegrat\w* with\b|\bmust[- ]have\b/, 1.5],
  [/\b(suggestion|suggest|feature request|request|requesting)\b/, 1.5],
  [/\b(we|i) (really )?need\b|\bshould (have|support|allow|include|be available)\b|\bplease consider\b/, 1.5],
];

/** Seeking information: question marks, sentence-initial interrogatives, how-to phrasing. */
const QUESTION_CUES: readonly Cue[] = [
  [/\?/, 1.5],
  [/(^|[.!?]\s*)(how|what|where|when|which|who|whom|whose|is|are|am|do|does|did|can|may|has|have)\b[^.!]*\?/, 1.5],
  [/\bhow (do|can|would|should|does|long|many|much|are) \w+|\bwhere (can|do|is|are)\b|\bis there\b/, 1.5],
  [/\b(wondering|curious|not sure (how|whether|if|what)|explain|clarify|documentation|a guide|quick question|would like to know|tell me (if|whether))\b/, 2],
  [/\b(whether|difference between|best way)\b/, 1],
];

/** Dissatisfaction with how things are: price, speed, effort, service, churn threats. */
const COMPLAINT_CUES: readonly Cue[] = [
  [/\b(too|way too|so|unbearably|painfully) (slow|expensive|many|much|long|short|small|big|complicated|hard|noisy)\b/, 2],
  [/\b(slow\w*|sluggish|laggy|lags|forever|ages|takes \w+ (seconds|minutes))\b/, 1.5],
  [/\b(prices?|pricing|priced|expensive|costs?|bill|billing|charg\w+|paying|renewal|upsell|tier|refund)\b/, 1],
  [/\b(frustrat\w*|annoy\w*|disappoint\w*|ridiculous|unacceptable|useless|tired of|hate|worse|worst|confus\w*|clunky|tedious|clutter\w*|bloated|overwhelm\w*|hard to|difficult)\b/, 1.5],
  [/\b(competitor|cancel\w*|switch(ing)? to|moving to|reconsider\w*|not (impressed|acceptable|happy))\b/, 1.5],
  [/\b(support|account manager|customer success|ticket|waited|waiting)\b/, 0.5],
];

/** Appreciation; lexical cues ignored when they sit in a hypothetical ("would be great"). */
const PRAISE_CUES: readonly Cue[] = [
  [/(?<!\bwould (be |make \w+ |really )?(so |really )?)\b(lov(e|es|ed|ing)|great|awesome|amazing|fantastic|excellent|brilliant|impress\w*|wonderful|gorgeous|beautiful|perfect|best|kudos|lifesaver|delight\w*|rock solid|a joy)\b/, 1.5],
  [/\b(thank(s| you)|shout[- ]out|well done|nicely done|great job|recommend|happy with|enjoys?|went above)\b/, 1.5],
];

function cueScore(text: string, cues: readonly Cue[]): number {
  return cues.reduce((sum, [pattern, weight]) => (pattern.test(text) ? sum + weight : sum), 0);
}

/**
 * Rule-based category classifier. Each category sums the weights of its
 * matching cue groups (see the *_CUES tables); sentiment adds up to
 * 3 × |score| to praise (positive) or complaint (negative). Positive tone
 * inside a request ("a dark mode would be lovely") is about the imagined
 * feature, so praise gets only 30% of it when feature cues matched.
 * With no evidence at all, a text ending in "?" is a question, otherwise a
 * bug report (a neutral description of product behaviour).
 *
 * @param sentimentScore - score from scoreSentiment() (score-sentiment.ts), in [-1, 1]
 */
export function classifyCategory(text: string, sentimentScore: number): CategoryResult {
  const normalized = normalizeText(text).trim();
  const feature = cueScore(normalized, FEATURE_CUES);
  const scores: Record<FeedbackCategory, number> = {
    bug_report: cueScore(normalized, BUG_CUES),
    feature_request: feature,
    question: cueScore(normalized, QUESTION_CUES),
    complaint: cueScore(normalized, COMPLAINT_CUES) + 3 * Math.max(0, -sentimentScore),
    praise: cueScore(normalized, PRAISE_CUES) + 3 * Math.max(0, sentimentScore) * (feature > 0 ? 0.3 : 1),
  };
  let category: FeedbackCategory = normalized.endsWith('?') ? 'question' : 'bug_report';
  let best = 0;
  for (const candidate of FEEDBACK_CATEGORIES) {
    if (scores[candidate] > best) {
      best = scores[candidate];
      category = candidate;
    }
  }
  for (const key of FEEDBACK_CATEGORIES) scores[key] = Math.round(scores[key] * 100) / 100;
  return { category, scores };
}
