import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import './reduceGradients.js';

describe('Sum and Mean gradients', () => {
  it('spread dy back over the reduced axes, divided by the count for Mean', () => {
    const x = tf.tensor3d([[[1, 2, 3], [4, 5, 6]]]); // [1, 2, 3]
    const w = tf.tensor2d([[1, 10]]); // weights the [1, 2] result of reducing axis 2
    const sumGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sum(t, 2), w)))(x);
    expect(Array.from(sumGrad.dataSync())).toEqual([1, 1, 1, 10, 10, 10]);
    const meanGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mean(t, 2), w)))(x);
    expect(Array.from(meanGrad.dataSync())).toEqual([1 / 3, 1 / 3, 1 / 3, 10 / 3, 10 / 3, 10 / 3].map(Math.fround));
  });

  it('handle several axes, kept dims and a full reduction', () => {
    const x = tf.ones([2, 3, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.mean(t, [0, 2], true))))(x);
    expect(g.shape).toEqual([2, 3, 4]);
    // d/dx of Σ_j mean_j² = 2·mean_j / 8 = 0.25 for every entry (all means are 1).
    expect(Array.from(g.dataSync()).every((v) => v === 0.25)).toBe(true);
    const full = tf.grad((t: tf.Tensor) => tf.mul(tf.sum(t), 3))(x);
    expect(Array.from(full.dataSync()).every((v) => v === 3)).toBe(true);
  });
});
