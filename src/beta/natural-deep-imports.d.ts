// natural's index files require every sibling (classifiers/index.js: maxent, logistic regression
// and their trainers, ~16 MB of heap; stemmers/index.js: 20 stemmers and tokenizers, ~4 MB), and
// natural types only the index files. These are the single modules beta/ uses (issue #16: RSS).
declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  export { BayesClassifier as default } from 'natural/lib/natural/classifiers/index.js';
}

declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  export { PorterStemmer as default } from 'natural/lib/natural/stemmers/index.js';
}
