import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { checkGradients } from '../../../test/helpers/kinds.js';
import { NORMALISE_EPS } from './ops.js';
import { compatibilities, routingOf, truncationMask } from './typeMatching.js';

// One element of type t = (1, 0); signatures pointing the same way, orthogonal and opposite
// (unnormalised on purpose: they are normalised before use), so d = 0, 1 and 2.
const types = tf.tensor3d([[[1, 0]]]);
const signatures = tf.tensor2d([[2, 0], [0, 3], [-0.5, 0]]);

describe('type matching', () => {
  it('computes d = 1 − s·t, C̃ = exp(−d/σ) below τ and 0 above, C = C̃ / (ε + Σ_u C̃)', () => {
    for (const temperature of [1, 0.5]) {
      const { compatibility, distance } = compatibilities(types, signatures, 1.4, temperature);
      expect(compatibility.shape).toEqual([1, 3, 1]);
      const d = Array.from(distance.dataSync());
      [0, 1, 2].forEach((v, u) => expect(d[u]).toBeCloseTo(v, 6));
      const raw = [1, Math.exp(-1 / temperature), 0];
      const total = NORMALISE_EPS + raw[0] + raw[1];
      const c = Array.from(compatibility.dataSync());
      raw.forEach((v, u) => expect(c[u]).toBeCloseTo(v / total, 6));
      expect(c[2]).toBe(0); // d = 2 ≥ τ: f_3 cannot access x
    }
  });

  it('cuts every function when τ is below all distances, leaving C = 0 (not NaN)', () => {
    const { compatibility } = compatibilities(types, tf.tensor2d([[0, 1], [-1, 0]]), 0.5, 1);
    expect(Array.from(compatibility.dataSync())).toEqual([0, 0]);
    expect(Array.from(routingOf(compatibility).dataSync())).toEqual([-1]);
  });

  it('routes each element to its most compatible function', () => {
    const twoElements = tf.tensor3d([[[1, 0], [0, 1]]]);
    const { compatibility } = compatibilities(twoElements, signatures, 1.4, 1);
    expect(Array.from(routingOf(compatibility).dataSync())).toEqual([0, 1]);
  });

  it('passes no gradient through the truncation mask, and needs none from Less', () => {
    const d = tf.tensor1d([0.2, 1.5, 0.9]);
    const g = tf.grad((dd) => tf.sum(tf.mul(truncationMask(dd, 1), tf.tensor1d([1, 2, 3]))))(d);
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0]);
  });

  it('has gradients that match finite differences, with truncation cutting some pairs', () => {
    const t = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 5);
    const s = tf.randomNormal([3, 3], 0, 1, 'float32', 6);
    const unit = (x: tf.Tensor) => tf.div(x, tf.norm(x, 'euclidean', -1, true));
    const weightsOfC = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 7);
    const f = (tt: tf.Tensor, ss: tf.Tensor) =>
      tf.sum(tf.mul(compatibilities(unit(tt), ss, 1.2, 0.8).compatibility, weightsOfC)) as tf.Scalar;
    const d = compatibilities(unit(t), s, 1.2, 0.8).distance.dataSync();
    expect(d.some((v) => v >= 1.2)).toBe(true);
    // Finite differences of ±1e-3 must not move any d across τ.
    expect(Math.min(...Array.from(d, (v) => Math.abs(v - 1.2)))).toBeGreaterThan(1e-2);
    expect(checkGradients(f, [t, s], { eps: 1e-3, samples: 12 }).maxError).toBeLessThan(2e-2);
  });
});
