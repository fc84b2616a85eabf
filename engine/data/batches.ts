import { tf } from '../tf.js';
import { concreteShape, sampleSize } from '../shapes/types.js';
import { hashSeed } from '../util/hash.js';
import type { DataSplit, DatasetSpec } from './spec.js';
import { permutation } from './split.js';
import { gatherRowsNative, tensorFloat32Array } from '../backend/native/backend.js';

export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
  /** Examples in this batch (the last one may be smaller than the batch size). */
  size: number;
}

export interface BatchOptions {
  /** Visit the examples in a seeded random order; in file order when false. */
  shuffle: boolean;
  seed: number;
  /** The order is a fresh permutation for every (seed, epoch). */
  epoch: number;
}

/**
 * One epoch of mini-batches over a split: every example exactly once, the last batch
 * partial. Each batch is copied out of the split's flat arrays and becomes one tensor
 * for x and one for y; the caller disposes them.
 */
export function* batchIterator(split: DataSplit, spec: DatasetSpec, batchSize: number, options: BatchOptions): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number of at least 1, got ${batchSize}`);
  const xSize = sampleSize(spec.x.shape);
  const ySize = sampleSize(spec.y.shape);
  const order = options.shuffle ? permutation(split.count, hashSeed(options.seed, 'batches', options.epoch)) : null;
  for (let start = 0; start < split.count; start += batchSize) {
    const size = Math.min(batchSize, split.count - start);
    const x = gatherRows(split.x, xSize, order, start, size);
    const y = gatherRows(split.y, ySize, order, start, size);
    yield {
      x: tf.tensor(x, concreteShape(spec.x.shape, size), spec.x.dtype),
      y: tf.tensor(y, concreteShape(spec.y.shape, size), spec.y.dtype),
      size,
    };
  }
}

/**
 * Rows order[start .. start+size) of a flat array (or the contiguous run when unshuffled).
 * Float rows go into an array the backend may recycle: a fresh 400 KB array per MNIST
 * batch cost more than the copy into it.
 */
function gatherRows<T extends Float32Array | Int32Array>(data: T, rowSize: number, order: Uint32Array | null, start: number, size: number): T {
  const out = (data instanceof Float32Array ? tensorFloat32Array(size * rowSize) : new Int32Array(size * rowSize)) as T;
  if (order === null) {
    out.set(data.subarray(start * rowSize, (start + size) * rowSize));
    return out;
  }
  // Long rows (images): each is a miss to memory, which the native backend's threads
  // share (an MNIST batch of 128 rows: ~85 → ~58 µs here).
  if (rowSize > 8 && gatherRowsNative(data, rowSize, order.subarray(start, start + size), out)) return out;
  if (rowSize <= 8) {
    // Short rows (2-D points, token pairs): a plain loop beats a subarray per row.
    for (let j = 0; j < size; j++) {
      const from = order[start + j] * rowSize;
      for (let k = 0; k < rowSize; k++) out[j * rowSize + k] = data[from + k];
    }
  } else {
    for (let j = 0; j < size; j++) {
      const i = order[start + j];
      out.set(data.subarray(i * rowSize, (i + 1) * rowSize), j * rowSize);
    }
  }
  return out;
}

/** Batches in one epoch. */
export function batchCount(split: DataSplit, batchSize: number): number {
  return Math.ceil(split.count / batchSize);
}
