/**
 * Tokenisation shared by the feedback analysers.
 *
 * natural's WordTokenizer splits "don't" into "don" + "t", which loses the
 * negation, so contractions are expanded here before splitting.
 */

/** Clause boundary marker emitted for , ; : ( ) and dashes. */
export const CLAUSE_BREAK = ',';
/** Sentence boundary marker emitted for . ! ? and line breaks. */
export const SENTENCE_BREAK = '.';

const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bcan'?t\b/g, 'can not'],
  [/\bwon'?t\b/g, 'will not'],
  [/\bshan't\b/g, 'shall not'],
  [/\bain'?t\b/g, 'is not'],
  [/\b(do|does|did|is|are|was|were|could|would|should|has|have|had|must|need)n'?t\b/g, '$1 not'],
  [/\b([a-z]+)n't\b/g, '$1 not'],
  [/\b(i|you|we|they|he|she|it|that|there)'d\b/g, '$1 would'],
  [/\blet's\b/g, 'let us'],
  [/'(re|ve|ll|m|s|d)\b/g, ''],
];

const EMOTICONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(^|\s)(?::-?\)|:-?d\b|=\)|;-?\)|<3)/g, '$1 <smile> '],
  [/(^|\s)(?::-?\(|:'\(|=\()/g, '$1 <frown> '],
];

const TOKEN =
  /<smile>|<frown>|[a-z0-9]+(?:\.[a-z0-9]+)*|[.!?]+(?=["')\]]*(?:\s|$))|\n+|[,;:()[\]\u2013\u2014]|\s-+\s/g;

/**
 * Lower-cases, normalises quotes and expands English contractions
 * ("don't" → "do not", "I'd" → "i would"); punctuation is kept.
 */
export function normalizeText(text: string): string {
  let out = text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"');
  for (const [pattern, replacement] of EMOTICONS) out = out.replace(pattern, replacement);
  for (const [pattern, replacement] of CONTRACTIONS) out = out.replace(pattern, replacement);
  return out.replace(/'/g, '');
}

/**
 * Splits text into lower-case word tokens with contractions expanded.
 * Clause punctuation becomes {@link CLAUSE_BREAK} and sentence ends become
 * {@link SENTENCE_BREAK}, so callers can scope negation and contrast.
 * Hyphenated words are split ("user-friendly" → "user", "friendly").
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of normalizeText(text).matchAll(TOKEN)) {
    const raw = match[0];
    if (/^[.!?\n]/.test(raw)) tokens.push(SENTENCE_BREAK);
    else if (/^[,;:()[\]\u2013\u2014]$/.test(raw) || /^\s-+\s$/.test(raw)) tokens.push(CLAUSE_BREAK);
    else tokens.push(raw);
  }
  return tokens;
}

/** Word tokens only (no boundary markers or emoticon placeholders). */
export function tokenizeWords(text: string): string[] {
  return tokenize(text).filter((t) => t !== CLAUSE_BREAK && t !== SENTENCE_BREAK && !t.startsWith('<'));
}
