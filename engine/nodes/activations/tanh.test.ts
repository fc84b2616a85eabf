import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { Tanh } from './tanh.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('Tanh', () => {
  it('keeps the shape of its input', () => {
    const r = inferKind(Tanh, {}, { in: { dtype: 'float32', shape: ['B', 6] } });
    expect(r).toEqual({ ok: true, outputs: { out: { dtype: 'float32', shape: ['B', 6] } } });
  });

  it('reports a missing input on its port', () => {
    expect(inferKind(Tanh, {}, {})).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
  });

  it('computes tanh element-wise, into (-1, 1)', () => {
    const x = [-3, -0.5, 0, 0.5, 3];
    const out = runKind(Tanh, {}, { in: tf.tensor2d([x]) }).outputs.out.dataSync();
    x.forEach((v, i) => expect(out[i]).toBeCloseTo(Math.tanh(v), 6));
    expect(out[0]).toBeCloseTo(-out[4], 7);
  });

  it('has gradients that match finite differences', () => {
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
    const r = tf.randomNormal([4, 3], 0, 1, 'float32', 6);
    const f = (xx: tf.Tensor) => tf.sum(tf.mul(runKind(Tanh, {}, { in: xx }).outputs.out, r)) as tf.Scalar;
    expect(checkGradients(f, [x]).maxError).toBeLessThan(2e-2);
  });
});
