import { describe, expect, it } from 'vitest';
import { describeDataset, loadDataset } from './registry.js';
import { answer } from './sequenceTask.js';

const run = (task: 'mode' | 'count' | 'sort' | 'reverse', x: number[], vocab = 10) => {
  const y = new Int32Array(x.length);
  answer(task, x, vocab, y);
  return Array.from(y);
};

describe('sequence-task answers', () => {
  it('mode: the most frequent token of each prefix, ties to the smallest id', () => {
    expect(run('mode', [3, 1, 1, 3, 3, 0])).toEqual([3, 1, 1, 1, 3, 3]);
  });
  it('count: earlier copies of the token at each position', () => {
    expect(run('count', [2, 5, 2, 2, 5, 7])).toEqual([0, 0, 1, 2, 1, 0]);
  });
  it('sort and reverse read the whole sequence', () => {
    expect(run('sort', [4, 0, 9, 4, 1])).toEqual([0, 1, 4, 4, 9]);
    expect(run('reverse', [4, 0, 9, 4, 1])).toEqual([1, 4, 9, 0, 4]);
  });
});

describe('sequence-task dataset', () => {
  it('describes token ids [B, T] and answers [B, T]; count has one class per possible count', () => {
    const mode = describeDataset({ name: 'sequence-task', params: { task: 'mode', length: 6, vocab: 5 } });
    expect(mode.problems).toEqual([]);
    expect(mode.spec).toMatchObject({ x: { shape: ['B', 6], dtype: 'int32' }, y: { shape: ['B', 6], dtype: 'int32' }, numClasses: 5, vocab: 5 });
    const count = describeDataset({ name: 'sequence-task', params: { task: 'count', length: 6, vocab: 5 } });
    expect(count.spec).toMatchObject({ numClasses: 6 });
  });

  it('with positions, each token carries its position id after the token ids', async () => {
    const ref = { name: 'sequence-task', params: { task: 'reverse', length: 4, vocab: 3, samples: 20, positions: true } };
    expect(describeDataset(ref).spec).toMatchObject({ x: { shape: ['B', 4, 2] }, vocab: 7 });
    const d = await loadDataset(ref, 1);
    for (let s = 0; s < d.train.count; s++) {
      const tokens = [0, 1, 2, 3].map((i) => d.train.x[(s * 4 + i) * 2]);
      expect([0, 1, 2, 3].map((i) => d.train.x[(s * 4 + i) * 2 + 1])).toEqual([3, 4, 5, 6]);
      expect(Array.from(d.train.y.subarray(s * 4, s * 4 + 4))).toEqual([...tokens].reverse());
    }
  });

  it('labels every generated sequence with its answer, split by testFraction, seeded', async () => {
    const ref = { name: 'sequence-task', params: { task: 'mode', length: 8, vocab: 4, samples: 200 }, testFraction: 0.25 };
    const d = await loadDataset(ref, 3);
    expect(d.train.count).toBe(150);
    expect(d.test.count).toBe(50);
    const y = new Int32Array(8);
    const seen = new Set<number>();
    for (const split of [d.train, d.test]) {
      for (let s = 0; s < split.count; s++) {
        const x = split.x.subarray(s * 8, s * 8 + 8);
        x.forEach((v) => seen.add(v));
        answer('mode', x, 4, y);
        expect(Array.from(split.y.subarray(s * 8, s * 8 + 8))).toEqual(Array.from(y));
      }
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    expect((await loadDataset(ref, 3)).train.x).toEqual(d.train.x);
    expect((await loadDataset(ref, 4)).train.x).not.toEqual(d.train.x);
  });

  it('refuses an unknown task, naming the choices', () => {
    const r = describeDataset({ name: 'sequence-task', params: { task: 'shuffle' } });
    expect(r.spec).toBeNull();
    expect(r.problems[0].path).toBe('dataset.params.task');
    expect(r.problems[0].message).toContain('mode');
  });
});
