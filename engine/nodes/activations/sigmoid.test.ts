import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { Sigmoid } from './sigmoid.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('Sigmoid', () => {
  it('keeps the shape of its input', () => {
    const r = inferKind(Sigmoid, {}, { in: { dtype: 'float32', shape: ['B', 2, 2] } });
    expect(r).toEqual({ ok: true, outputs: { out: { dtype: 'float32', shape: ['B', 2, 2] } } });
  });

  it('refuses int inputs, naming the port', () => {
    expect(inferKind(Sigmoid, {}, { in: { dtype: 'int32', shape: ['B'] } })).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
  });

  it('computes 1/(1+e^-x) element-wise', () => {
    const x = [-4, -1, 0, 2];
    const out = runKind(Sigmoid, {}, { in: tf.tensor2d([x]) }).outputs.out.dataSync();
    x.forEach((v, i) => expect(out[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 6));
    expect(out[2]).toBe(0.5);
  });

  it('has gradients that match finite differences', () => {
    const x = tf.randomNormal([4, 3], 0, 2, 'float32', 7);
    const r = tf.randomNormal([4, 3], 0, 1, 'float32', 8);
    const f = (xx: tf.Tensor) => tf.sum(tf.mul(runKind(Sigmoid, {}, { in: xx }).outputs.out, r)) as tf.Scalar;
    expect(checkGradients(f, [x]).maxError).toBeLessThan(2e-2);
  });
});
