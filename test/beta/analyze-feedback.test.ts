import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFeedback } from '../../src/beta/analyze-feedback.js';
import { extractKeywords } from '../../src/beta/extract-keywords.js';
import { NEUTRAL_BAND, scoreSentiment, wordValence } from '../../src/beta/score-sentiment.js';
import { tokenize } from '../../src/beta/tokenize.js';

const score = (text: string) => scoreSentiment(text).score;

describe('tokenize', () => {
  it('expands contractions so negations survive, including curly apostrophes and missing apostrophes', () => {
    assert.deepEqual(tokenize("I don't like it"), ['i', 'do', 'not', 'like', 'it']);
    assert.deepEqual(tokenize('It isn\u2019t fast'), ['it', 'is', 'not', 'fast']);
    assert.deepEqual(tokenize("can't won't dont"), ['can', 'not', 'will', 'not', 'do', 'not']);
  });

  it('marks clause and sentence boundaries but keeps version numbers whole', () => {
    assert.deepEqual(tokenize('Since 4.2 it crashes, sadly. Why?'), ['since', '4.2', 'it', 'crashes', ',', 'sadly', '.', 'why', '.']);
  });
});

describe('scoreSentiment', () => {
  it('treats "don\'t", "isn\'t", "can\'t" and "won\'t" as negations', () => {
    assert.ok(score('I like the new editor') > 0);
    assert.ok(score("I don't like the new editor") < 0);
    assert.ok(score("The export isn't reliable") < 0);
    assert.ok(score("I can't recommend it") < 0);
    assert.ok(score("It won't help anyone, it's useless") < 0);
  });

  it('scopes a negation to the next few words of its clause only', () => {
    assert.ok(score('Not slow at all') > 0);
    // the negation ends at the comma, so "great" stays positive
    assert.ok(score('It is not slow, the support team is great') > score('It is not slow'));
    // and it does not reach a sentiment word many words later
    assert.ok(score('I did not expect that after the long migration weekend everything would be great') > 0);
  });

  it('does not negate in "not only ... but also"', () => {
    assert.ok(score('Not only fast but also beautiful') > 0.5);
  });

  it('reads a negated function verb such as "doesn\'t load" as negative', () => {
    assert.ok(score("The report doesn't load") < 0);
    assert.equal(score('The report loads'), 0);
  });

  it('does not dilute a clear opinion when it is surrounded by many neutral words', () => {
    const short = score('The dashboard is terrible.');
    const long = score(
      'We opened the dashboard on Monday morning at the start of our weekly planning meeting with the whole operations team and the regional leads, and it is terrible.',
    );
    assert.equal(long, short);
  });

  it('boosts after intensifiers and damps after diminishers', () => {
    assert.ok(score('The app is very slow') < score('The app is slow'));
    assert.ok(score('The app is slightly slow') > score('The app is slow'));
    assert.ok(score('The app is slightly slow') < 0);
  });

  it('weights the clause after "but" more than the clause before it', () => {
    assert.ok(score('The design is great but it crashes constantly') < 0);
    assert.ok(score('It crashes sometimes but the design is great') > 0);
  });

  it('knows SaaS domain words that are missing from AFINN', () => {
    for (const word of ['laggy', 'buggy', 'downtime', 'clunky', 'crashes']) assert.ok(wordValence(word) < 0, word);
    for (const word of ['intuitive', 'seamless', 'snappy']) assert.ok(wordValence(word) > 0, word);
    assert.ok(score('Onboarding was seamless and the UI is intuitive') > 0.5);
    assert.ok(score('The app is laggy and buggy') < -0.5);
  });

  it('does not read requests and prepositions as praise', () => {
    assert.equal(score('I would like a CSV export'), 0);
    assert.equal(score('Please add a dark mode'), 0);
    assert.equal(score('It feels like a spreadsheet'), 0);
    assert.ok(score('We really like the new timeline') > 0);
  });

  it('undoes inflections instead of Porter stemming so unrelated words do not collide', () => {
    assert.equal(wordValence('several'), 0); // Porter: "sever" = stem of "severe"
    assert.ok(wordValence('loved') > 0);
    assert.ok(wordValence('brilliantly') > 0);
  });

  it('labels text without sentiment-bearing words neutral and documents the band', () => {
    assert.equal(NEUTRAL_BAND, 0.05);
    assert.deepEqual(scoreSentiment('How do I change the owner of a workspace?'), { score: 0, label: 'neutral', hits: 0 });
    assert.equal(scoreSentiment('I love it').label, 'positive');
    assert.equal(scoreSentiment('I hate it').label, 'negative');
  });

  it('keeps scores within [-1, 1] even for long runs of strong words', () => {
    const s = score('awesome amazing fantastic brilliant superb outstanding '.repeat(20));
    assert.ok(s > 0.99 && s <= 1);
  });
});

describe('analyzeFeedback', () => {
  it('returns sentiment, score, category and keywords', () => {
    const result = analyzeFeedback('The mobile app crashes every time I open a large project.');
    assert.deepEqual(Object.keys(result).sort(), ['category', 'keywords', 'score', 'sentiment']);
    assert.equal(result.sentiment, 'negative');
    assert.equal(result.category, 'bug_report');
    assert.ok(result.keywords.includes('crashes'));
  });

  it('classifies typical examples of each category from their cues', () => {
    const cases: Array<[string, string]> = [
      ['Getting an error 500 whenever I save the form.', 'bug_report'],
      ["The sync stopped working after yesterday's update.", 'bug_report'],
      ['Please add an option to export invoices as PDF.', 'feature_request'],
      ['It would be great if we could schedule reports.', 'feature_request'],
      ['How do I invite a guest to a project?', 'question'],
      ['Is there a limit on the number of dashboards?', 'question'],
      ['Way too expensive for what it does, honestly disappointed.', 'complaint'],
      ['The dashboard is painfully slow every single morning.', 'complaint'],
      ['Love the new reports, thank you team!', 'praise'],
      ['Kudos on the release, everything feels snappy.', 'praise'],
    ];
    for (const [text, expected] of cases) assert.equal(analyzeFeedback(text).category, expected, text);
  });

  it('prefers the bug or request reading over the question mark when both are present', () => {
    assert.equal(analyzeFeedback('Why does the app crash every time I upload a photo?').category, 'bug_report');
    assert.equal(analyzeFeedback('Could you please add SSO with Okta?').category, 'feature_request');
  });

  it('does not call a request praise because it is phrased enthusiastically', () => {
    assert.equal(analyzeFeedback('A dark mode would be amazing!').category, 'feature_request');
  });
});

describe('extractKeywords', () => {
  it('drops stopwords, groups inflections by stem and ranks by frequency', () => {
    assert.deepEqual(extractKeywords('The export crashes. Exports crash again and the export is slow.', 3), ['export', 'crashes', 'slow']);
  });

  it('keeps short product acronyms and drops numbers', () => {
    assert.deepEqual(extractKeywords('Need SSO and CSV in 2024'), ['sso', 'csv']);
  });
});
