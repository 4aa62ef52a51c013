// Builds src/beta/sentiment-model.json: natural's naive Bayes trained on the
// UCI "Sentiment Labelled Sentences" IMDB and Yelp sets (the `sentiment`
// devDependency ships them). The Amazon sentences of the same corpus are never
// read here: they stand for a domain the model was not built on.
// Run: npx tsx scripts/train-sentiment.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadUciSentences } from '../bench/uci-sentences.js';
import { MODEL_PATH, serialiseModel, trainSentimentModel } from '../src/beta/sentiment-model.js';

const items = [...loadUciSentences('imdb'), ...loadUciSentences('yelp')];
writeFileSync(MODEL_PATH, `${serialiseModel(trainSentimentModel(items))}\n`);
console.log(`trained on ${items.length} IMDB + Yelp sentences → ${fileURLToPath(MODEL_PATH)}`);
