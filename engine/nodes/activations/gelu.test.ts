import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { GELU } from './gelu.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

/** Φ(1), the standard normal CDF at 1, from tables. */
const PHI_1 = 0.8413447460685429;

describe('GELU', () => {
  it('keeps the shape of its input', () => {
    const r = inferKind(GELU, {}, { in: { dtype: 'float32', shape: ['B', 4, 8] } });
    expect(r).toEqual({ ok: true, outputs: { out: { dtype: 'float32', shape: ['B', 4, 8] } } });
  });

  it('refuses int inputs, naming the port', () => {
    const r = inferKind(GELU, {}, { in: { dtype: 'int32', shape: ['B', 3] } });
    expect(r).toMatchObject({ ok: false, errors: [{ port: 'in' }] });
  });

  it('computes x·Φ(x) exactly by default', () => {
    const out = runKind(GELU, {}, { in: tf.tensor2d([[-1, 0, 1]]) }).outputs.out.dataSync();
    expect(out[0]).toBeCloseTo(-(1 - PHI_1), 6);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(PHI_1, 6);
  });

  it('uses the tanh approximation when asked', () => {
    const x = [-2, 0.5, 1];
    const expected = x.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
    const out = runKind(GELU, { approximate: 'tanh' }, { in: tf.tensor2d([x]) }).outputs.out.dataSync();
    expected.forEach((e, i) => expect(out[i]).toBeCloseTo(e, 6));
    // The approximation is close to, but not the same as, the exact form.
    expect(Math.abs(out[2] - PHI_1)).toBeGreaterThan(1e-5);
  });

  it('has gradients that match finite differences (both forms)', () => {
    const x = tf.randomNormal([3, 5], 0, 1.5, 'float32', 3);
    const r = tf.randomNormal([3, 5], 0, 1, 'float32', 4);
    for (const approximate of ['none', 'tanh']) {
      const f = (xx: tf.Tensor) => tf.sum(tf.mul(runKind(GELU, { approximate }, { in: xx }).outputs.out, r)) as tf.Scalar;
      expect(checkGradients(f, [x]).maxError).toBeLessThan(2e-2);
    }
  });
});
