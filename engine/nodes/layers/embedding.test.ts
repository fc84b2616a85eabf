import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { Embedding, ONE_HOT_MAX_VOCAB } from './embedding.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('Embedding', () => {
  it('maps int ids [B, T] to vectors [B, T, dim] and declares a [vocab, dim] table', () => {
    const r = inferKind(Embedding, { vocab: 10, dim: 4 }, { in: { dtype: 'int32', shape: ['B', 7] } });
    expect(r).toEqual({ ok: true, outputs: { out: { dtype: 'float32', shape: ['B', 7, 4] } } });
    expect(Embedding.variables!({ vocab: 10, dim: 4 }, {})).toEqual([{ name: 'weight', shape: [10, 4], init: { kind: 'normal', std: 1 } }]);
  });

  it('refuses float inputs, naming the port and pointing to Linear', () => {
    const r = inferKind(Embedding, {}, { in: { dtype: 'float32', shape: ['B', 3] } });
    expect(r).toMatchObject({ ok: false, errors: [{ port: 'in', message: expect.stringMatching(/int32 ids.*Linear/) }] });
  });

  it('looks up the row of each id', () => {
    const weight = tf.tensor2d([[0, 0], [1, 2], [3, 4]]);
    const ids = tf.tensor2d([[2, 0], [1, 1]], undefined, 'int32');
    const out = runKind(Embedding, { vocab: 3, dim: 2 }, { in: ids }, { weights: { weight } }).outputs.out;
    expect(out.shape).toEqual([2, 2, 2]);
    expect(Array.from(out.dataSync())).toEqual([3, 4, 0, 0, 1, 2, 1, 2]);
  });

  it('gives the same vectors through gather above the one-hot limit', () => {
    const vocab = ONE_HOT_MAX_VOCAB + 1;
    const ids = tf.tensor1d([0, vocab - 1, 17], 'int32');
    const { outputs, vars } = runKind(Embedding, { vocab, dim: 3 }, { in: ids });
    const expected = tf.gather(vars.weight, ids);
    expect(Array.from(outputs.out.dataSync())).toEqual(Array.from(expected.dataSync()));
  });

  it('has gradients on the table that match finite differences', () => {
    const ids = tf.tensor2d([[0, 2, 2], [3, 1, 0]], undefined, 'int32');
    const w = tf.randomNormal([4, 3], 0, 1, 'float32', 18);
    const r = tf.randomNormal([2, 3, 3], 0, 1, 'float32', 19);
    const f = (ww: tf.Tensor) =>
      tf.sum(tf.mul(runKind(Embedding, { vocab: 4, dim: 3 }, { in: ids }, { weights: { weight: ww } }).outputs.out, r)) as tf.Scalar;
    expect(checkGradients(f, [w], { samples: 12 }).maxError).toBeLessThan(2e-2);
  });
});
