import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { KLDiv, klDivergence } from './klDiv.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

const f32 = (...shape: (number | 'B')[]) => ({ dtype: 'float32' as const, shape });

// The article's example: P = (9/25, 12/25, 4/25) against the uniform Q. It quotes
// KL(P‖Q) ≈ 0.0853 and KL(Q‖P) ≈ 0.0974 to 4 decimals (the second cut rather than
// rounded from 0.097455), so both are checked within 1e-4.
const P = [9 / 25, 12 / 25, 4 / 25];
const Q = [1 / 3, 1 / 3, 1 / 3];
const closeTo4 = (value: number, quoted: number) => expect(Math.abs(value - quoted)).toBeLessThan(1e-4);

function klNode(p: number[][], q: number[][], qInput: string): number {
  return runKind(KLDiv, { qInput }, { p: tf.tensor2d(p), q: tf.tensor2d(q) }).outputs.loss.dataSync()[0];
}

describe('klDivergence', () => {
  it('reproduces the article example in both directions', () => {
    closeTo4(klDivergence(P, Q), 0.0853);
    closeTo4(klDivergence(Q, P), 0.0974);
    expect(klDivergence(P, Q)).not.toBeCloseTo(klDivergence(Q, P), 3);
  });

  it('is 0 for equal distributions, treats 0·log 0 as 0, and is infinite where q = 0 < p', () => {
    expect(klDivergence(P, P)).toBe(0);
    expect(klDivergence([0.5, 0.5, 0], [0.25, 0.25, 0.5])).toBeCloseTo(Math.log(2), 12);
    expect(klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
    expect(() => klDivergence([1], [0.5, 0.5])).toThrow(/same outcomes/);
  });
});

describe('KLDiv', () => {
  it('accepts p and q of the same shape', () => {
    expect(inferKind(KLDiv, {}, { p: f32('B', 10), q: f32('B', 10) })).toEqual({ ok: true, outputs: {} });
  });

  it('refuses mismatched shapes and int p, naming the port', () => {
    expect(inferKind(KLDiv, {}, { p: f32('B', 3), q: f32('B', 4) })).toMatchObject({ ok: false, errors: [{ port: 'p' }] });
    const ids = inferKind(KLDiv, {}, { p: { dtype: 'int32', shape: ['B', 3] }, q: f32('B', 3) });
    expect(ids).toMatchObject({ ok: false, errors: [{ port: 'p', message: expect.stringContaining('CrossEntropy') }] });
    expect(inferKind(KLDiv, {}, { p: f32('B', 3) })).toMatchObject({ ok: false, errors: [{ port: 'q' }] });
  });

  it('gives the article values from probabilities and from logits', () => {
    closeTo4(klNode([P], [Q], 'probabilities'), 0.0853);
    closeTo4(klNode([P], [[0, 0, 0]], 'logits'), 0.0853);
    closeTo4(klNode([Q], [P], 'probabilities'), 0.0974);
    // Logits are log P shifted by a constant: log-softmax removes the shift.
    closeTo4(klNode([Q], [P.map((v) => Math.log(v) + 5)], 'logits'), 0.0974);
  });

  it('averages over the batch and counts p = 0 terms as 0', () => {
    const both = klNode([P, Q], [Q, P], 'probabilities');
    expect(both).toBeCloseTo((klDivergence(P, Q) + klDivergence(Q, P)) / 2, 5);
    const sparse = klNode([[0.5, 0.5, 0]], [[0.25, 0.25, 0.5]], 'probabilities');
    expect(sparse).toBeCloseTo(Math.log(2), 5);
    const zeroBoth = klNode([[0.5, 0.5, 0]], [[0.5, 0.5, 0]], 'probabilities');
    expect(zeroBoth).toBeCloseTo(0, 6);
  });

  it('has gradients that match finite differences for the logits and the target', () => {
    const p = tf.softmax(tf.randomNormal([3, 4], 0, 1, 'float32', 42));
    const q = tf.randomNormal([3, 4], 0, 1, 'float32', 43);
    const f = (pp: tf.Tensor, qq: tf.Tensor) => runKind(KLDiv, {}, { p: pp, q: qq }).outputs.loss as tf.Scalar;
    expect(checkGradients(f, [p, q], { eps: 3e-3 }).maxError).toBeLessThan(2e-2);
    const probs = tf.softmax(q);
    const g = (qq: tf.Tensor) => runKind(KLDiv, { qInput: 'probabilities' }, { p, q: qq }).outputs.loss as tf.Scalar;
    expect(checkGradients(g, [probs], { eps: 1e-3 }).maxError).toBeLessThan(2e-2);
  });
});
