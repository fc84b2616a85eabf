import { hashSeed } from '../util/hash.js';
import { defineDataset } from './kind.js';
import type { DatasetSpec } from './spec.js';
import { permutation, takeRows } from './split.js';

function spec(p: number): DatasetSpec {
  return {
    name: 'modular-addition',
    task: 'classification',
    x: { shape: ['B', 2], dtype: 'int32' },
    y: { shape: ['B'], dtype: 'int32' },
    numClasses: p,
    classNames: Array.from({ length: p }, (_, i) => String(i)),
    featureNames: ['a', 'b'],
    vocab: p,
  };
}

/**
 * Every pair (a, b) with 0 <= a, b < p, labelled (a + b) mod p: the grokking task.
 * The table is finite, so the split is a seeded `trainFraction` of the pairs for
 * training and all the others for test.
 */
export const modularAddition = defineDataset({
  name: 'modular-addition',
  summary: 'All pairs (a, b) labelled (a + b) mod p: the grokking task',
  doc:
    'Every pair of tokens (a, b) with 0 ≤ a, b < p, labelled (a + b) mod p. `x` holds the two token ids (int32, vocabulary p; put an Embedding first), `y` the answer as a class id. ' +
    'A seeded random `trainFraction` of the p² pairs is the training set and **all other pairs are the test set**, so the dataset\'s `testFraction` is ignored. ' +
    'With a small trainFraction (about 0.3) and weight decay, test accuracy jumps long after training accuracy reached 100%: grokking.',
  params: {
    p: { kind: 'int', default: 97, min: 2, max: 500, doc: 'The modulus, also the vocabulary size and the number of classes (a prime is customary)' },
    trainFraction: { kind: 'number', default: 0.3, min: 0, max: 1, exclusiveMin: true, doc: 'Share of all p² pairs used for training; the rest is the test set' },
  },
  twoD: false,
  ownSplit: true,
  describe({ p, trainFraction }) {
    const pairs = p * p;
    const nTrain = Math.round(pairs * trainFraction);
    if (nTrain < 1 || nTrain >= pairs) {
      return {
        spec: null,
        issues: [{ param: 'trainFraction', message: `parameter "trainFraction" leaves ${nTrain < 1 ? 'no training' : 'no test'} pairs out of ${pairs}: pick a value strictly between 0 and 1 that keeps both` }],
      };
    }
    return { spec: spec(p), issues: [] };
  },
  async load({ p, trainFraction }, { seed }) {
    const pairs = p * p;
    const x = new Int32Array(pairs * 2);
    const y = new Int32Array(pairs);
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        const i = a * p + b;
        x[2 * i] = a;
        x[2 * i + 1] = b;
        y[i] = (a + b) % p;
      }
    }
    const all = { x, y, count: pairs };
    const order = permutation(pairs, hashSeed(seed, 'modular-addition', 'split'));
    const nTrain = Math.round(pairs * trainFraction);
    return { ok: true, dataset: { spec: spec(p), train: takeRows(all, order.subarray(0, nTrain)), test: takeRows(all, order.subarray(nTrain)) } };
  },
});
