import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { batchCount, batchIterator } from './batches.js';
import type { DataSplit, DatasetSpec } from './spec.js';

/** A split whose example i has features (i, -i) and label i % 3, so rows can be traced. */
function tracedSplit(count: number): DataSplit {
  const x = new Float32Array(count * 2);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = -i;
    y[i] = i % 3;
  }
  return { x, y, count };
}

const spec2d: DatasetSpec = { name: 't', task: 'classification', x: { shape: ['B', 2], dtype: 'float32' }, y: { shape: ['B'], dtype: 'int32' }, numClasses: 3 };

/** The example ids of one epoch, in visiting order, after checking each batch's rows agree. */
function epochOrder(split: DataSplit, batchSize: number, shuffle: boolean, seed: number, epoch: number): { ids: number[]; sizes: number[] } {
  const ids: number[] = [];
  const sizes: number[] = [];
  for (const batch of batchIterator(split, spec2d, batchSize, { shuffle, seed, epoch })) {
    const x = batch.x.arraySync() as number[][];
    const y = batch.y.arraySync() as number[];
    expect(batch.x.shape).toEqual([batch.size, 2]);
    expect(batch.x.dtype).toBe('float32');
    expect(batch.y.shape).toEqual([batch.size]);
    expect(batch.y.dtype).toBe('int32');
    x.forEach(([a, b], j) => {
      expect(b).toBe(-a);
      expect(y[j]).toBe(a % 3);
      ids.push(a);
    });
    sizes.push(batch.size);
    tf.dispose([batch.x, batch.y]);
  }
  return { ids, sizes };
}

describe('batchIterator', () => {
  it('visits every example exactly once per epoch, the last batch partial', () => {
    const split = tracedSplit(103);
    const { ids, sizes } = epochOrder(split, 10, true, 1, 0);
    expect(sizes).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3]);
    expect(batchCount(split, 10)).toBe(11);
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(ids).not.toEqual(Array.from({ length: 103 }, (_, i) => i));
  });

  it('draws a fresh order each epoch, the same one for the same seed and epoch', () => {
    const split = tracedSplit(50);
    const first = epochOrder(split, 8, true, 1, 0).ids;
    expect(epochOrder(split, 8, true, 1, 0).ids).toEqual(first);
    expect(epochOrder(split, 8, true, 1, 1).ids).not.toEqual(first);
    expect(epochOrder(split, 8, true, 2, 0).ids).not.toEqual(first);
  });

  it('keeps file order without shuffle', () => {
    expect(epochOrder(tracedSplit(20), 7, false, 1, 3).ids).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('shapes images and soft labels from the spec', () => {
    const count = 5;
    const split: DataSplit = { x: new Float32Array(count * 4 * 4).map((_, i) => Math.floor(i / 16)), y: new Float32Array(count * 3).map((_, i) => Math.floor(i / 3)), count };
    const spec: DatasetSpec = { name: 'img', task: 'distribution', x: { shape: ['B', 4, 4], dtype: 'float32' }, y: { shape: ['B', 3], dtype: 'float32' } };
    const batches = [...batchIterator(split, spec, 2, { shuffle: true, seed: 3, epoch: 0 })];
    expect(batches.map((b) => b.x.shape)).toEqual([[2, 4, 4], [2, 4, 4], [1, 4, 4]]);
    for (const b of batches) {
      const xs = b.x.arraySync() as number[][][];
      const ys = b.y.arraySync() as number[][];
      // Image k is all k, its soft label row is all k: rows stay together.
      xs.forEach((img, j) => {
        expect(img.flat().every((v) => v === img[0][0])).toBe(true);
        expect(ys[j]).toEqual([img[0][0], img[0][0], img[0][0]]);
      });
      tf.dispose([b.x, b.y]);
    }
  });

  it('int32 token inputs stay int32', () => {
    const split: DataSplit = { x: Int32Array.from([1, 2, 3, 4, 5, 6]), y: Int32Array.from([3, 7, 11]), count: 3 };
    const spec: DatasetSpec = { name: 'tok', task: 'classification', x: { shape: ['B', 2], dtype: 'int32' }, y: { shape: ['B'], dtype: 'int32' } };
    const [batch] = [...batchIterator(split, spec, 3, { shuffle: false, seed: 0, epoch: 0 })];
    expect(batch.x.dtype).toBe('int32');
    expect(batch.x.arraySync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    tf.dispose([batch.x, batch.y]);
  });

  it('refuses a batch size below one', () => {
    expect(() => [...batchIterator(tracedSplit(3), spec2d, 0, { shuffle: false, seed: 0, epoch: 0 })]).toThrow('batch size must be a whole number of at least 1, got 0');
  });
});
