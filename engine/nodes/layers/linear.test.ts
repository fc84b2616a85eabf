import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { Linear } from './linear.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('Linear', () => {
  it('maps [B, ..., in] to [B, ..., units]', () => {
    const r = inferKind(Linear, { units: 5 }, { in: { dtype: 'float32', shape: ['B', 7, 3] } });
    expect(r).toEqual({ ok: true, outputs: { out: { dtype: 'float32', shape: ['B', 7, 5] } } });
  });

  it('refuses int inputs, naming the port', () => {
    const r = inferKind(Linear, {}, { in: { dtype: 'int32', shape: ['B', 3] } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].port).toBe('in');
  });

  it('computes x·W + b on a hand-checked case', () => {
    const x = tf.tensor2d([[1, 2]]);
    const weight = tf.tensor2d([[1, 0, -1], [2, 1, 0]]);
    const bias = tf.tensor1d([0.5, 0, 1]);
    const { outputs } = runKind(Linear, { units: 3 }, { in: x }, { weights: { weight, bias } });
    expect(Array.from(outputs.out.dataSync())).toEqual([5.5, 2, 0]);
  });

  it('has gradients that match finite differences', () => {
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    const w = tf.randomNormal([4, 2], 0, 1, 'float32', 2);
    const { maxError } = checkGradients(
      (xx, ww) => tf.sum(tf.square(runKind(Linear, { units: 2, bias: false }, { in: xx }, { weights: { weight: ww } }).outputs.out)),
      [x, w],
    );
    expect(maxError).toBeLessThan(2e-2);
  });
});
