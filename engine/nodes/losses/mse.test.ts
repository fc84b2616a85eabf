import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { MSE } from './mse.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

const f32 = (...shape: (number | 'B')[]) => ({ dtype: 'float32' as const, shape });

describe('MSE', () => {
  it('accepts pred and target of the same shape and outputs only the loss', () => {
    expect(inferKind(MSE, {}, { pred: f32('B', 3), target: f32('B', 3) })).toEqual({ ok: true, outputs: {} });
  });

  it('refuses mismatched shapes and int targets, naming the target port', () => {
    const r = inferKind(MSE, {}, { pred: f32('B', 1), target: f32('B') });
    expect(r).toMatchObject({ ok: false, errors: [{ port: 'target', message: expect.stringContaining('[B×1]') }] });
    const ints = inferKind(MSE, {}, { pred: f32('B', 3), target: { dtype: 'int32', shape: ['B', 3] } });
    expect(ints).toMatchObject({ ok: false, errors: [{ port: 'target', message: expect.stringContaining('CrossEntropy') }] });
    expect(inferKind(MSE, {}, { target: f32('B', 3) })).toMatchObject({ ok: false, errors: [{ port: 'pred' }] });
  });

  it('averages squared errors over every element and reports the mean absolute error', () => {
    const pred = tf.tensor2d([[1, 2, 3], [0, 0, 1]]);
    const target = tf.tensor2d([[1, 0, 0], [0, 0, 0]]);
    const { outputs, metrics } = runKind(MSE, {}, { pred, target });
    // Errors 0, 2, 3, 0, 0, 1: squares sum to 14, absolutes to 6, over 6 elements.
    expect(outputs.loss.dataSync()[0]).toBeCloseTo(14 / 6, 6);
    expect(outputs.loss.shape).toEqual([]);
    expect(metrics.mae.dataSync()[0]).toBeCloseTo(1, 6);
  });

  it('has gradients that match finite differences', () => {
    const pred = tf.randomNormal([3, 2], 0, 1, 'float32', 40);
    const target = tf.randomNormal([3, 2], 0, 1, 'float32', 41);
    const f = (p: tf.Tensor) => runKind(MSE, {}, { pred: p, target }).outputs.loss as tf.Scalar;
    expect(checkGradients(f, [pred]).maxError).toBeLessThan(2e-2);
  });
});
