import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { CrossEntropy } from './crossEntropy.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

describe('CrossEntropy', () => {
  it('accepts logits [B, C] with int labels [B], and names the port at fault otherwise', () => {
    expect(inferKind(CrossEntropy, {}, { logits: { dtype: 'float32', shape: ['B', 3] }, labels: { dtype: 'int32', shape: ['B'] } })).toEqual({
      ok: true,
      outputs: {},
    });
    const floats = inferKind(CrossEntropy, {}, { logits: { dtype: 'float32', shape: ['B', 3] }, labels: { dtype: 'float32', shape: ['B'] } });
    expect(floats).toMatchObject({ ok: false, errors: [{ port: 'labels' }] });
  });

  it('computes -log softmax(logits)[label] averaged over the batch, and accuracy', () => {
    const logits = tf.tensor2d([[0, 0, Math.log(2)], [Math.log(3), 0, 0]]);
    const labels = tf.tensor1d([2, 1], 'int32');
    const { outputs, metrics } = runKind(CrossEntropy, {}, { logits, labels });
    // Row 1: softmax [1/4, 1/4, 1/2] → -log(1/2); row 2: [3/5, 1/5, 1/5] → -log(1/5).
    expect(outputs.loss.dataSync()[0]).toBeCloseTo((Math.log(2) + Math.log(5)) / 2, 5);
    expect(metrics.accuracy.dataSync()[0]).toBe(0.5);
  });

  it('has gradients that match finite differences', () => {
    const logits = tf.randomNormal([3, 4], 0, 1, 'float32', 51);
    const labels = tf.tensor1d([1, 0, 3], 'int32');
    const f = (l: tf.Tensor) => runKind(CrossEntropy, {}, { logits: l, labels }).outputs.loss as tf.Scalar;
    expect(checkGradients(f, [logits]).maxError).toBeLessThan(2e-2);
  });
});
