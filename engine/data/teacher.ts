import { createRng, gaussian, hashSeed } from '../util/hash.js';
import { defineDataset } from './kind.js';
import type { DatasetSpec } from './spec.js';
import { shuffleSplit } from './split.js';

const HIDDEN = 16;

function spec(features: number, classes: number): DatasetSpec {
  return {
    name: 'teacher',
    task: 'distribution',
    x: { shape: ['B', features], dtype: 'float32' },
    y: { shape: ['B', classes], dtype: 'float32' },
    numClasses: classes,
    classNames: Array.from({ length: classes }, (_, c) => `class ${c + 1}`),
    featureNames: Array.from({ length: features }, (_, f) => `x${f + 1}`),
  };
}

/**
 * A fixed random teacher: features → 16 tanh units → classes logits, weights drawn
 * from the seed. Its output layer has gain 2 so the distributions are neither uniform
 * nor one-hot at temperature 1.
 */
function teacherNetwork(features: number, classes: number, rng: () => number) {
  const w1 = Float64Array.from({ length: features * HIDDEN }, () => gaussian(rng) / Math.sqrt(features));
  const b1 = Float64Array.from({ length: HIDDEN }, () => 0.1 * gaussian(rng));
  const w2 = Float64Array.from({ length: HIDDEN * classes }, () => (2 * gaussian(rng)) / Math.sqrt(HIDDEN));
  const hidden = new Float64Array(HIDDEN);
  return (x: Float32Array, offset: number, logits: Float64Array) => {
    for (let h = 0; h < HIDDEN; h++) {
      let s = b1[h];
      for (let f = 0; f < features; f++) s += x[offset + f] * w1[f * HIDDEN + h];
      hidden[h] = Math.tanh(s);
    }
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let h = 0; h < HIDDEN; h++) s += hidden[h] * w2[h * classes + c];
      logits[c] = s;
    }
  };
}

/** Gaussian inputs labelled with the soft class distribution of a seeded random teacher. */
export const teacher = defineDataset({
  name: 'teacher',
  summary: 'Soft labels from a random teacher network (distribution matching)',
  doc:
    'Inputs drawn from a standard normal distribution; each target `y` is the full class distribution softmax(logits / temperature) of a fixed random teacher network (features → 16 tanh units → classes, weights drawn from the seed). ' +
    'Train a student to match it with `KLDiv`. Lower temperatures make sharper targets, higher ones flatter targets.',
  params: {
    samples: { kind: 'int', default: 4000, min: 10, max: 200_000, doc: 'Number of examples, train and test together' },
    features: { kind: 'int', default: 8, min: 1, max: 256, doc: 'Input features' },
    classes: { kind: 'int', default: 5, min: 2, max: 100, doc: 'Classes in each target distribution' },
    temperature: { kind: 'number', default: 1, min: 0.05, max: 100, doc: 'Softmax temperature of the teacher' },
  },
  twoD: false,
  ownSplit: false,
  describe: ({ features, classes }) => ({ spec: spec(features, classes), issues: [] }),
  async load({ samples, features, classes, temperature }, { seed, testFraction }) {
    const net = teacherNetwork(features, classes, createRng(hashSeed(seed, 'teacher', 'network')));
    const rng = createRng(hashSeed(seed, 'teacher', 'inputs'));
    const x = new Float32Array(samples * features);
    for (let i = 0; i < x.length; i++) x[i] = gaussian(rng);
    const y = new Float32Array(samples * classes);
    const logits = new Float64Array(classes);
    for (let i = 0; i < samples; i++) {
      net(x, i * features, logits);
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, logits[c] / temperature);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += (logits[c] = Math.exp(logits[c] / temperature - max));
      for (let c = 0; c < classes; c++) y[i * classes + c] = logits[c] / sum;
    }
    const { train, test } = shuffleSplit({ x, y, count: samples }, testFraction, hashSeed(seed, 'teacher', 'split'));
    return { ok: true, dataset: { spec: spec(features, classes), train, test } };
  },
});
