import { createRng } from '../util/hash.js';
import type { DataSplit } from './spec.js';

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): Uint32Array {
  const rng = createRng(seed);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Examples `indices` of `split`, copied row by row into new arrays of the same kind. */
export function takeRows(split: DataSplit, indices: ArrayLike<number>): DataSplit {
  const xSize = split.count ? split.x.length / split.count : 0;
  const ySize = split.count ? split.y.length / split.count : 0;
  const n = indices.length;
  const x = new (split.x.constructor as Float32ArrayConstructor | Int32ArrayConstructor)(n * xSize);
  const y = new (split.y.constructor as Float32ArrayConstructor | Int32ArrayConstructor)(n * ySize);
  for (let j = 0; j < n; j++) {
    const i = indices[j];
    if (xSize === 1) x[j] = split.x[i];
    else x.set(split.x.subarray(i * xSize, (i + 1) * xSize), j * xSize);
    if (ySize === 1) y[j] = split.y[i];
    else y.set(split.y.subarray(i * ySize, (i + 1) * ySize), j * ySize);
  }
  return { x, y, count: n };
}

/** How many of `count` examples go to test: at least one each side when there are two. */
export function testCount(count: number, testFraction: number): number {
  const n = Math.round(count * testFraction);
  if (count < 2) return 0;
  return Math.min(count - 1, Math.max(1, n));
}

/**
 * For datasets without a natural split: a seeded shuffle, then the first
 * `testFraction` of the shuffled examples is the test split, the rest is train.
 */
export function shuffleSplit(all: DataSplit, testFraction: number, seed: number): { train: DataSplit; test: DataSplit } {
  const order = permutation(all.count, seed);
  const nTest = testCount(all.count, testFraction);
  return { test: takeRows(all, order.subarray(0, nTest)), train: takeRows(all, order.subarray(nTest)) };
}
