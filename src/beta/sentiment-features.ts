/**
 * Negators whose scope marks the next words: "not good" becomes NOT_good, a
 * feature of its own, so the classifier learns negated words separately
 * (Das & Chen 2001; Pang, Lee & Vaithyanathan 2002).
 */
const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'none', 'neither', 'nor', 'without', 'hardly', 'cannot', 'dont', 'didnt', 'doesnt', 'isnt', 'wasnt', 'wont', 'cant', 'couldnt', 'wouldnt', 'shouldnt', 'arent', 'werent', 'aint']);
/** Words after a negator it applies to, ended early by punctuation. */
const NEGATION_SCOPE = 3;

/**
 * The classifier's features of a text: lower-cased words, words in a
 * negation's scope prefixed NOT_, a NEG token for the negator itself, and "!".
 */
export function sentimentFeatures(text: string): string[] {
  const words = text
    .toLowerCase()
    .replace(/n't\b/g, ' not')
    .replace(/[^a-z0-9'!?.,;:]+/g, ' ')
    .split(/\s+|(?=[!?.,;:])|(?<=[!?.,;:])/)
    .filter(Boolean);
  const out: string[] = [];
  let scope = 0;
  for (const w of words) {
    if (/^[.,;:!?]$/.test(w)) {
      scope = 0;
      if (w === '!') out.push('!');
      continue;
    }
    const token = w.replace(/'/g, '');
    if (!token) continue;
    if (NEGATORS.has(token)) {
      scope = NEGATION_SCOPE;
      out.push('NEG');
      continue;
    }
    out.push(scope > 0 ? `NOT_${token}` : token);
    if (scope > 0) scope -= 1;
  }
  return out;
}
