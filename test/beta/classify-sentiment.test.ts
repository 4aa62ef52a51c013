import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadUciSentences } from '../../bench/uci-sentences.js';
import { classifySentiment } from '../../src/beta/classify-sentiment.js';
import { MODEL_PATH, serialiseModel, trainSentimentModel } from '../../src/beta/sentiment-model.js';
import { sentimentFeatures } from '../../src/beta/sentiment-features.js';

describe('sentiment classifier (naive Bayes with negation scope + lexicon)', () => {
  it('marks the words in a negation scope, up to punctuation', () => {
    assert.deepEqual(sentimentFeatures("It isn't good, but fine!"), ['it', 'is', 'NEG', 'NOT_good', 'but', 'fine', '!']);
  });

  it('reads negation and sentiment the lexicon misses', () => {
    assert.equal(classifySentiment('Not worth the money at all.').label, 'negative');
    assert.equal(classifySentiment('I would definitely buy this again.').label, 'positive');
    assert.equal(classifySentiment("It doesn't work and the battery died after a week.").label, 'negative');
  });

  it('calls a text neutral only when it carries no sentiment', () => {
    assert.equal(classifySentiment('').label, 'neutral');
    assert.equal(classifySentiment('#4471-b').label, 'neutral');
    assert.notEqual(classifySentiment('The screen cracked on day two.').label, 'neutral', 'words the model knows are a sentiment, right or wrong');
  });

  it('ships the model trained on IMDB + Yelp only (scripts/train-sentiment.ts), with no training sentence in it', () => {
    const shipped = readFileSync(MODEL_PATH, 'utf8').trim();
    const rebuilt = serialiseModel(trainSentimentModel([...loadUciSentences('imdb'), ...loadUciSentences('yelp')]));
    assert.equal(shipped, rebuilt, 'regenerate with npx tsx scripts/train-sentiment.ts');
    const amazonSentence = loadUciSentences('amazon')[1]!.text;
    assert.ok(!shipped.includes(amazonSentence) && !shipped.includes(loadUciSentences('imdb')[0]!.text.trim()));
  });
});
