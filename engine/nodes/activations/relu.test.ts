import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { ReLU } from './relu.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('ReLU', () => {
  it('keeps the shape of its input and refuses ints on its port', () => {
    expect(inferKind(ReLU, {}, { in: { dtype: 'float32', shape: ['B', 3] } })).toEqual({ ok: true, outputs: { out: { dtype: 'float32', shape: ['B', 3] } } });
    expect(inferKind(ReLU, {}, { in: { dtype: 'int32', shape: ['B', 3] } })).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
  });

  it('computes max(0, x)', () => {
    expect(Array.from(runKind(ReLU, {}, { in: tf.tensor2d([[-2, 0, 3]]) }).outputs.out.dataSync())).toEqual([0, 0, 3]);
  });

  it('has gradients that match finite differences away from 0', () => {
    // Values kept beyond ±0.1 so the finite difference never straddles the kink.
    const x = tf.tensor2d([[-1.5, -0.3, 0.4, 2], [0.7, -0.9, 1.1, -2.2]]);
    const r = tf.randomNormal([2, 4], 0, 1, 'float32', 50);
    const f = (xx: tf.Tensor) => tf.sum(tf.mul(runKind(ReLU, {}, { in: xx }).outputs.out, r)) as tf.Scalar;
    expect(checkGradients(f, [x], { samples: 8 }).maxError).toBeLessThan(2e-2);
  });
});
