import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { STOPWORDS } from './stopwords.js';
import { tokenizeWords } from './tokenize.js';

/** Short tokens that are still meaningful product terms. */
const SHORT_TERMS = new Set(['ui', 'ux', 'ai', 'id', 'os', 'qa', 'pdf', 'csv', 'api', 'sso', 'crm', 'bi']);

/** True when a word can name a topic: not a stopword, not a number, long enough. */
export function isContentWord(word: string): boolean {
  if (STOPWORDS.has(word) || /^\d+(\.\d+)*$/.test(word)) return false;
  return word.length >= 3 || SHORT_TERMS.has(word);
}

/**
 * Keywords of a single text: stopword-filtered words grouped by Porter stem
 * ("crash", "crashes" → one keyword), ranked by frequency then first
 * appearance, each shown in its most frequent surface form.
 *
 * @param limit - maximum number of keywords. @defaultValue 5
 */
export function extractKeywords(text: string, limit = 5): string[] {
  const groups = new Map<string, { forms: Map<string, number>; count: number; first: number }>();
  tokenizeWords(text).forEach((word, position) => {
    if (!isContentWord(word)) return;
    const stem = PorterStemmer.stem(word);
    const group = groups.get(stem) ?? { forms: new Map<string, number>(), count: 0, first: position };
    group.count += 1;
    group.forms.set(word, (group.forms.get(word) ?? 0) + 1);
    groups.set(stem, group);
  });
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || a.first - b.first)
    .slice(0, limit)
    .map((g) => [...g.forms.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '');
}
