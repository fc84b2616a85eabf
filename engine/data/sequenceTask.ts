import { createRng, hashSeed } from '../util/hash.js';
import { defineDataset } from './kind.js';
import type { DatasetSpec } from './spec.js';
import { shuffleSplit } from './split.js';

export const SEQUENCE_TASKS = ['mode', 'count', 'sort', 'reverse'] as const;
export type SequenceTaskName = (typeof SEQUENCE_TASKS)[number];

/** Classes of the per-position answer: a token id, except for `count` (how many earlier copies). */
function classesOf(task: string, vocab: number, length: number): number {
  return task === 'count' ? length : vocab;
}

function spec(task: string, vocab: number, length: number, positions: boolean): DatasetSpec {
  const classes = classesOf(task, vocab, length);
  return {
    name: 'sequence-task',
    task: 'classification',
    x: { shape: positions ? ['B', length, 2] : ['B', length], dtype: 'int32' },
    y: { shape: ['B', length], dtype: 'int32' },
    numClasses: classes,
    classNames: Array.from({ length: classes }, (_, i) => String(i)),
    // Position ids follow the token ids in the same vocabulary: one Embedding reads both.
    vocab: positions ? vocab + length : vocab,
  };
}

/**
 * The answer at every position of one sequence `x` (length T, tokens in [0, vocab)),
 * written into `y`. `mode` and `count` read only the prefix up to each position, so a
 * causal model can answer them; `sort` and `reverse` need the whole sequence.
 */
export function answer(task: SequenceTaskName, x: ArrayLike<number>, vocab: number, y: Int32Array): void {
  const t = y.length;
  if (task === 'sort') {
    const sorted = Array.from(x).sort((a, b) => a - b);
    for (let i = 0; i < t; i++) y[i] = sorted[i];
  } else if (task === 'reverse') {
    for (let i = 0; i < t; i++) y[i] = x[t - 1 - i];
  } else {
    const counts = new Int32Array(vocab);
    for (let i = 0; i < t; i++) {
      if (task === 'count') {
        y[i] = counts[x[i]];
        counts[x[i]]++;
        continue;
      }
      counts[x[i]]++;
      // Mode of the prefix; a tie goes to the smallest token id.
      let best = 0;
      for (let v = 1; v < vocab; v++) if (counts[v] > counts[best]) best = v;
      y[i] = best;
    }
  }
}

/**
 * Short random token sequences with an answer at every position: small sequence tasks
 * for attention models (the JetMoE template). Tokens are drawn uniformly from the
 * vocabulary, from the seed.
 */
export const sequenceTask = defineDataset({
  name: 'sequence-task',
  summary: 'Random token sequences with an answer per position (mode, count, sort, reverse)',
  doc: [
    'Sequences of `length` tokens drawn uniformly from `0 … vocab−1`, with one answer per position (`y` is [B, length], class ids; use CrossEntropy on logits [B, length, classes]):',
    '',
    '- `mode`: the most frequent token so far (ties go to the smallest id). Needs only the prefix: a causal model can learn it.',
    '- `count`: how many earlier positions hold the same token (0 the first time it appears). Also causal; classes 0 … length−1.',
    '- `sort`: the sequence sorted in ascending order. Needs the whole sequence and positions.',
    '- `reverse`: the sequence backwards. Needs the whole sequence and positions.',
    '',
    'Attention cannot tell positions apart by itself. With `positions` on, each token comes with its position id: `x` is [B, length, 2] holding (token, vocab + position), so one Embedding of vocabulary `vocab + length` looks up both and a MeanPool over axis 2 adds them (the usual token + position embedding, halved).',
  ].join('\n'),
  params: {
    task: { kind: 'enum', default: 'mode', options: SEQUENCE_TASKS, doc: 'What to answer at each position (see the description)' },
    length: { kind: 'int', default: 12, min: 2, max: 256, doc: 'Tokens per sequence' },
    vocab: { kind: 'int', default: 8, min: 2, max: 1000, doc: 'Distinct tokens' },
    samples: { kind: 'int', default: 10000, min: 10, max: 200_000, doc: 'Sequences, train and test together' },
    positions: { kind: 'boolean', default: false, doc: 'Give each token its position id as a second channel (x becomes [B, length, 2])' },
  },
  twoD: false,
  ownSplit: false,
  describe: ({ task, vocab, length, positions }) => ({ spec: spec(task, vocab, length, positions), issues: [] }),
  async load({ task, length, vocab, samples, positions }, { seed, testFraction }) {
    const rng = createRng(hashSeed(seed, 'sequence-task', task));
    const channels = positions ? 2 : 1;
    const x = new Int32Array(samples * length * channels);
    const y = new Int32Array(samples * length);
    const tokens = new Int32Array(length);
    for (let s = 0; s < samples; s++) {
      for (let i = 0; i < length; i++) {
        tokens[i] = Math.floor(rng() * vocab);
        const at = (s * length + i) * channels;
        x[at] = tokens[i];
        if (positions) x[at + 1] = vocab + i;
      }
      answer(task as SequenceTaskName, tokens, vocab, y.subarray(s * length, (s + 1) * length));
    }
    const { train, test } = shuffleSplit({ x, y, count: samples }, testFraction, hashSeed(seed, 'sequence-task', 'split'));
    return { ok: true, dataset: { spec: spec(task, vocab, length, positions), train, test } };
  },
});
