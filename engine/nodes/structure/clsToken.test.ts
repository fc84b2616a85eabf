import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { ClsToken } from './clsToken.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('ClsToken', () => {
  it('maps [B,T,D] to [B,T+1,D] with a [1,1,D] token starting normal(0.02)', () => {
    const input = { dtype: 'float32' as const, shape: ['B' as const, 16, 8] };
    expect(inferKind(ClsToken, {}, { in: input })).toEqual({ ok: true, outputs: { out: { dtype: 'float32', shape: ['B', 17, 8] } } });
    expect(ClsToken.variables!({}, { in: input })).toEqual([{ name: 'token', shape: [1, 1, 8], init: { kind: 'normal', std: 0.02 } }]);
  });

  it('refuses inputs that are not [B,T,D], naming the port', () => {
    expect(inferKind(ClsToken, {}, { in: { dtype: 'float32', shape: ['B', 8] } })).toMatchObject({
      ok: false,
      errors: [{ port: 'in', message: expect.stringContaining('[B, T, D]') }],
    });
  });

  it('puts the same learned token first in every sequence', () => {
    const x = tf.tensor3d([[[1, 2]], [[3, 4]]]);
    const token = tf.tensor3d([[[9, 8]]]);
    const out = runKind(ClsToken, {}, { in: x }, { weights: { token } }).outputs.out;
    expect(out.arraySync()).toEqual([[[9, 8], [1, 2]], [[9, 8], [3, 4]]]);
  });

  it('has gradients that match finite differences for the token and the input', () => {
    const x = tf.randomNormal([2, 3, 2], 0, 1, 'float32', 30);
    const token = tf.randomNormal([1, 1, 2], 0, 1, 'float32', 31);
    const r = tf.randomNormal([2, 4, 2], 0, 1, 'float32', 32);
    const f = (xx: tf.Tensor, tt: tf.Tensor) =>
      tf.sum(tf.mul(tf.square(runKind(ClsToken, {}, { in: xx }, { weights: { token: tt } }).outputs.out), r)) as tf.Scalar;
    expect(checkGradients(f, [x, token]).maxError).toBeLessThan(2e-2);
  });
});
