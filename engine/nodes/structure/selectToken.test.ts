import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { SelectToken } from './selectToken.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('SelectToken', () => {
  it('maps [B,T,D] to [B,D]', () => {
    expect(inferKind(SelectToken, { index: -1 }, { in: { dtype: 'float32', shape: ['B', 5, 8] } })).toEqual({
      ok: true,
      outputs: { out: { dtype: 'float32', shape: ['B', 8] } },
    });
  });

  it('refuses an index out of range and inputs without tokens, naming the port', () => {
    expect(inferKind(SelectToken, { index: 5 }, { in: { dtype: 'float32', shape: ['B', 5, 8] } })).toMatchObject({
      ok: false,
      errors: [{ port: 'in', message: expect.stringContaining('out of range for 5 tokens') }],
    });
    expect(inferKind(SelectToken, { index: -6 }, { in: { dtype: 'float32', shape: ['B', 5, 8] } }).ok).toBe(false);
    expect(inferKind(SelectToken, {}, { in: { dtype: 'float32', shape: ['B', 8] } })).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
  });

  it('keeps the token at index, counting negative indices from the end', () => {
    const x = tf.tensor3d([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    expect(runKind(SelectToken, {}, { in: x }).outputs.out.arraySync()).toEqual([[1, 2], [7, 8]]);
    expect(runKind(SelectToken, { index: -1 }, { in: x }).outputs.out.arraySync()).toEqual([[5, 6], [11, 12]]);
    expect(runKind(SelectToken, { index: 1 }, { in: x }).outputs.out.arraySync()).toEqual([[3, 4], [9, 10]]);
  });

  it('has gradients that match finite differences', () => {
    const x = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 33);
    const r = tf.randomNormal([2, 2], 0, 1, 'float32', 34);
    const f = (xx: tf.Tensor) => tf.sum(tf.mul(tf.square(runKind(SelectToken, { index: -2 }, { in: xx }).outputs.out), r)) as tf.Scalar;
    expect(checkGradients(f, [x], { samples: 12 }).maxError).toBeLessThan(2e-2);
  });
});
