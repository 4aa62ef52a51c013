/**
 * English stopwords for keyword and theme extraction: function words plus
 * filler that is frequent in product feedback but says nothing about the
 * topic ("please", "really", "would"). Sentiment words are deliberately
 * not here; negators are, because keywords should name topics.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all almost also am an and any anyone anything are around as at
  be because been before being below between both but by can could did do does doing down during
  each either else even ever every few for from further get gets getting got had has have having he
  her here hers herself him himself his how i if in into is it its itself just let lets like me more
  most much must my myself no nor not now of off on once only or other our ours ourselves out over own
  per please pls quite rather really same she should since so some still such than that the their
  theirs them themselves then there these they this those though through to too under until up upon
  us very was we were what when where whether which while who whom whose why will with within without
  would yet you your yours yourself yourselves
  actually already always anyway back bit currently etc everything finally honestly hey hi hello
  kind lot lots maybe may might need needs one ones thing things thanks thank way ways well
  able ago another anymore else lately often sometimes soon whenever`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);
