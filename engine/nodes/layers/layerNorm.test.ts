import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { LayerNorm } from './layerNorm.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('LayerNorm', () => {
  it('keeps the shape and declares weight (ones) and bias (zeros) over the last axis', () => {
    const input = { dtype: 'float32' as const, shape: ['B' as const, 5, 8] };
    expect(inferKind(LayerNorm, {}, { in: input })).toEqual({ ok: true, outputs: { out: input } });
    expect(LayerNorm.variables!({ eps: 1e-5, affine: true }, { in: input })).toEqual([
      { name: 'weight', shape: [8], init: { kind: 'ones' } },
      { name: 'bias', shape: [8], init: { kind: 'zeros' } },
    ]);
    expect(LayerNorm.variables!({ eps: 1e-5, affine: false }, { in: input })).toEqual([]);
  });

  it('refuses int inputs and [B] inputs, naming the port', () => {
    expect(inferKind(LayerNorm, {}, { in: { dtype: 'int32', shape: ['B', 3] } })).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
    expect(inferKind(LayerNorm, {}, { in: { dtype: 'float32', shape: ['B'] } })).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
  });

  it('normalises each row on a hand-checked case, then scales and shifts', () => {
    // Row [1, 2, 3, 4]: mean 2.5, biased variance 1.25.
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const plain = runKind(LayerNorm, { eps: 1e-5 }, { in: x }).outputs.out.dataSync();
    const sd = Math.sqrt(1.25 + 1e-5);
    [1, 2, 3, 4].forEach((v, i) => expect(plain[i]).toBeCloseTo((v - 2.5) / sd, 5));
    const weight = tf.tensor1d([1, 2, 1, 0]);
    const bias = tf.tensor1d([0, 0, 10, 1]);
    const affine = runKind(LayerNorm, {}, { in: x }, { weights: { weight, bias } }).outputs.out.dataSync();
    expect(affine[1]).toBeCloseTo((2 * -0.5) / sd, 5);
    expect(affine[2]).toBeCloseTo(10 + 0.5 / sd, 5);
    expect(affine[3]).toBeCloseTo(1, 6);
  });

  it('has gradients that match finite differences for input, weight and bias', () => {
    const x = tf.randomNormal([3, 5], 0, 1, 'float32', 14);
    const w = tf.randomNormal([5], 1, 0.3, 'float32', 15);
    const b = tf.randomNormal([5], 0, 0.3, 'float32', 16);
    const r = tf.randomNormal([3, 5], 0, 1, 'float32', 17);
    const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(runKind(LayerNorm, {}, { in: xx }, { weights: { weight: ww, bias: bb } }).outputs.out, r)) as tf.Scalar;
    expect(checkGradients(f, [x, w, b], { eps: 3e-3, samples: 8 }).maxError).toBeLessThan(2e-2);
  });
});
