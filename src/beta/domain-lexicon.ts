/**
 * SaaS-feedback additions and overrides to the AFINN-165 lexicon, on the
 * same -5..+5 scale. Additions cover product words AFINN lacks ("laggy",
 * "intuitive"); overrides neutralise AFINN words that are usually not
 * evaluative in support tickets ("support" the team, "please", "want",
 * "help" as in "need help", "improve" as in "please improve", "dark" as in
 * "dark mode").
 */
export const DOMAIN_LEXICON: ReadonlyMap<string, number> = new Map([
  // reliability / defects
  ['crash', -2], ['crashes', -2], ['crashed', -2], ['crashing', -2],
  ['bug', -2], ['bugs', -2], ['buggy', -2], ['glitch', -2], ['glitches', -2], ['glitchy', -2],
  ['broken', -2], ['downtime', -2], ['outage', -2], ['outages', -2],
  ['freeze', -2], ['freezes', -2], ['froze', -2], ['freezing', -2],
  ['unresponsive', -2], ['unusable', -3], ['unreliable', -2], ['flaky', -2], ['janky', -2],
  ['regression', -2], ['timeout', -1], ['timeouts', -1], ['workaround', -1],
  // performance
  ['slow', -2], ['slower', -2], ['slowest', -2], ['slowly', -2], ['slowness', -2],
  ['laggy', -2], ['lags', -2], ['lagging', -2], ['sluggish', -2],
  // usability / value
  ['clunky', -2], ['cumbersome', -2], ['tedious', -2], ['messy', -2], ['cluttered', -1],
  ['unintuitive', -2], ['clumsy', -2], ['overpriced', -2], ['expensive', -1], ['pricey', -1],
  ['outdated', -1], ['dated', -1], ['lacking', -1], ['lacks', -1], ['overwhelming', -1],
  ['pointless', -2], ['nightmare', -3],
  // positive product qualities
  ['intuitive', 2], ['seamless', 2], ['seamlessly', 2], ['smooth', 2], ['smoothly', 2],
  ['smoothest', 3], ['snappy', 2], ['speedy', 2], ['fast', 1], ['faster', 1], ['sleek', 2],
  ['slick', 2], ['painless', 2], ['effortless', 2], ['straightforward', 1], ['stable', 1],
  ['handy', 1], ['lifesaver', 3], ['<smile>', 2], ['<frown>', -2],
  // overrides: usually not evaluative in feedback
  ['dark', 0], ['support', 0], ['supports', 0], ['please', 0], ['want', 0], ['wants', 0], ['wish', 0],
  ['help', 0], ['improve', 0], ['matter', 0], ['top', 0], ['share', 0],
  // mostly the adverb in reviews and tickets ("pretty slow"), not the adjective
  ['pretty', 0],
]);

/**
 * Verbs describing something that should happen ("work", "load", "sync").
 * They carry no sentiment alone but a negated one ("doesn't load") is a
 * defect report, scored with {@link NEGATED_FUNCTION_VALENCE}.
 */
export const FUNCTION_VERBS: ReadonlySet<string> = new Set(
  `work works working worked load loads loading loaded open opens opening save saves saving
  sync syncs syncing synced respond responds responding start starts starting connect connects
  show shows showing appear appears render renders display displays send sends update updates
  find finds arrive arrives`.split(/\s+/),
);

/** Valence of a negated {@link FUNCTION_VERBS} entry, AFINN scale. */
export const NEGATED_FUNCTION_VALENCE = -2;
