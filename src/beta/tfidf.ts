import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { isContentWord } from './extract-keywords.js';
import { CLAUSE_BREAK, SENTENCE_BREAK, tokenize } from './tokenize.js';

/** Term index → weight; L2-normalised. */
export type SparseVector = ReadonlyMap<number, number>;

export interface TfIdfModel {
  /** One normalised vector per input document, same order. */
  vectors: SparseVector[];
  /** Term keys by index: a stem ("export"), or a stem bigram ("csv export") when enabled. */
  terms: string[];
  /** Most frequent surface form per term, for display ("exports" → "export"). */
  labels: string[];
  idf: number[];
}

export interface TermOptions {
  /**
   * Also emit bigrams of adjacent content words in the same clause
   * ("dark mode"). Off for similarity: on short texts the extra rare terms
   * dilute the shared unigrams and fragment clusters; useful for labels.
   * @defaultValue false
   */
  bigrams?: boolean;
}

/** Stemmed content-word terms of a text, each with the surface form it came from. */
export function documentTerms(text: string, options: TermOptions = {}): Array<{ key: string; surface: string }> {
  const out: Array<{ key: string; surface: string }> = [];
  let prev: { stem: string; word: string } | undefined;
  for (const token of tokenize(text)) {
    if (token === CLAUSE_BREAK || token === SENTENCE_BREAK || !isContentWord(token) || token.startsWith('<')) {
      prev = undefined;
      continue;
    }
    const stem = PorterStemmer.stem(token);
    out.push({ key: stem, surface: token });
    if (prev && options.bigrams) out.push({ key: `${prev.stem} ${stem}`, surface: `${prev.word} ${token}` });
    prev = { stem, word: token };
  }
  return out;
}

/**
 * TF-IDF with sublinear term frequency (1 + ln tf) and smoothed IDF
 * (ln((1 + N) / (1 + df)) + 1, as in scikit-learn), rows L2-normalised so
 * the dot product of two vectors is their cosine similarity.
 */
export function buildTfIdf(documents: readonly string[], options: TermOptions = {}): TfIdfModel {
  const index = new Map<string, number>();
  const terms: string[] = [];
  const surfaceCounts: Array<Map<string, number>> = [];
  const df: number[] = [];
  const counts = documents.map((doc) => {
    const tf = new Map<number, number>();
    for (const { key, surface } of documentTerms(doc, options)) {
      let id = index.get(key);
      if (id === undefined) {
        id = terms.length;
        index.set(key, id);
        terms.push(key);
        surfaceCounts.push(new Map());
        df.push(0);
      }
      const forms = surfaceCounts[id] ?? new Map<string, number>();
      forms.set(surface, (forms.get(surface) ?? 0) + 1);
      tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    for (const id of tf.keys()) df[id] = (df[id] ?? 0) + 1;
    return tf;
  });
  const n = documents.length;
  const idf = df.map((d) => Math.log((1 + n) / (1 + d)) + 1);
  const vectors = counts.map((tf) => {
    const weighted = new Map<number, number>();
    let norm = 0;
    for (const [id, count] of tf) {
      const w = (1 + Math.log(count)) * (idf[id] ?? 1);
      weighted.set(id, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    for (const [id, w] of weighted) weighted.set(id, w / norm);
    return weighted;
  });
  const labels = surfaceCounts.map((forms) => [...forms.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '');
  return { vectors, terms, labels, idf };
}

/** Cosine similarity of two L2-normalised sparse vectors. */
export function cosineSimilarity(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [id, w] of small) dot += w * (large.get(id) ?? 0);
  return dot;
}
