import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { Flatten } from './flatten.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('Flatten', () => {
  it('maps [B, ...] to [B, product], keeping the type', () => {
    expect(inferKind(Flatten, {}, { in: { dtype: 'float32', shape: ['B', 28, 28] } })).toEqual({
      ok: true,
      outputs: { out: { dtype: 'float32', shape: ['B', 784] } },
    });
    expect(inferKind(Flatten, {}, { in: { dtype: 'int32', shape: ['B'] } })).toEqual({ ok: true, outputs: { out: { dtype: 'int32', shape: ['B', 1] } } });
  });

  it('refuses an input without the batch first, naming the port', () => {
    expect(inferKind(Flatten, {}, { in: { dtype: 'float32', shape: [3, 'B'] } })).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
  });

  it('flattens in row-major order', () => {
    const out = runKind(Flatten, {}, { in: tf.tensor3d([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]) }).outputs.out;
    expect(out.shape).toEqual([2, 4]);
    expect(Array.from(out.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('has gradients that match finite differences', () => {
    const x = tf.randomNormal([2, 2, 3], 0, 1, 'float32', 26);
    const r = tf.randomNormal([2, 6], 0, 1, 'float32', 27);
    const f = (xx: tf.Tensor) => tf.sum(tf.mul(tf.square(runKind(Flatten, {}, { in: xx }).outputs.out), r)) as tf.Scalar;
    expect(checkGradients(f, [x]).maxError).toBeLessThan(2e-2);
  });
});
