import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { MeanPool } from './meanPool.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('MeanPool', () => {
  it('removes the averaged axis', () => {
    expect(inferKind(MeanPool, {}, { in: { dtype: 'float32', shape: ['B', 5, 8] } })).toEqual({
      ok: true,
      outputs: { out: { dtype: 'float32', shape: ['B', 8] } },
    });
    expect(inferKind(MeanPool, { axis: -1 }, { in: { dtype: 'float32', shape: ['B', 5, 8] } })).toEqual({
      ok: true,
      outputs: { out: { dtype: 'float32', shape: ['B', 5] } },
    });
  });

  it('refuses the batch axis and axes out of range, naming the port', () => {
    expect(inferKind(MeanPool, { axis: 0 }, { in: { dtype: 'float32', shape: ['B', 5] } })).toMatchObject({
      ok: false,
      errors: [{ port: 'in', message: expect.stringContaining('batch axis') }],
    });
    expect(inferKind(MeanPool, { axis: 3 }, { in: { dtype: 'float32', shape: ['B', 5, 8] } })).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
  });

  it('averages over the tokens', () => {
    const x = tf.tensor3d([[[1, 2], [3, 6]], [[0, 0], [2, -2]]]);
    expect(runKind(MeanPool, {}, { in: x }).outputs.out.arraySync()).toEqual([[2, 4], [1, -1]]);
  });

  it('has gradients that match finite differences', () => {
    const x = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 35);
    const r = tf.randomNormal([2, 2], 0, 1, 'float32', 36);
    const f = (xx: tf.Tensor) => tf.sum(tf.mul(tf.square(runKind(MeanPool, {}, { in: xx }).outputs.out), r)) as tf.Scalar;
    expect(checkGradients(f, [x], { samples: 12 }).maxError).toBeLessThan(2e-2);
  });
});
