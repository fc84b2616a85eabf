import { describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { checkRoutingParams, routeTopK } from './topkGate.js';
import { checkGradients } from '../../../test/helpers/kinds.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('routeTopK', () => {
  it('gives a softmax over the k largest logits and exact zeros elsewhere', () => {
    const r = routeTopK(tf.tensor2d([[1, 2, 0], [-1, 0, 3]]), 2);
    const gates = r.gates.arraySync();
    // Row 0 keeps logits 1 and 2: weights σ(-1), σ(1); row 1 keeps 0 and 3.
    expect(gates[0][0]).toBeCloseTo(sigmoid(-1), 6);
    expect(gates[0][1]).toBeCloseTo(sigmoid(1), 6);
    expect(gates[0][2]).toBe(0);
    expect(gates[1][0]).toBe(0);
    expect(gates[1][1]).toBeCloseTo(sigmoid(-3), 6);
    expect(gates[1][2]).toBeCloseTo(sigmoid(3), 6);
    expect(r.mask.arraySync()).toEqual([[1, 1, 0], [0, 1, 1]]);
    expect(Array.from(r.counts.dataSync())).toEqual([1, 2, 1]);
  });

  it('routes N·k assignments with exactly k non-zero gates per token', () => {
    const logits = tf.randomNormal([37, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
    for (const k of [1, 2, 5]) {
      const r = routeTopK(logits, k);
      expect(r.counts.sum().dataSync()[0]).toBe(37 * k);
      for (const row of r.gates.arraySync()) {
        expect(row.filter((g) => g > 0)).toHaveLength(k);
        expect(row.reduce((s, g) => s + g, 0)).toBeCloseTo(1, 5);
      }
    }
  });

  it('computes the Switch balance loss E·Σ f_i·P_i on a hand-checked case', () => {
    // Both tokens prefer expert 0: f = [1, 0]; P_0 = mean(0.75, 0.8).
    const r = routeTopK(tf.tensor2d([[Math.log(3), 0], [Math.log(4), 0]]), 1);
    expect(r.balanceLoss.dataSync()[0]).toBeCloseTo(2 * (0.75 + 0.8) / 2, 5);
    // Tokens split evenly across experts: the loss is 1 whatever the probabilities.
    const even = routeTopK(tf.tensor2d([[2, 0], [0, 0.5]]), 1);
    expect(even.balanceLoss.dataSync()[0]).toBeCloseTo(1, 5);
  });

  it('has gradients that match finite differences through the selected logits', () => {
    const logits = tf.tensor2d([[0.3, -1.2, 2.0, 0.9], [1.5, 0.1, -0.4, -2.0], [-0.7, 0.8, 0.2, 1.9]]);
    const weights = tf.tensor2d([[1, -2, 0.5, 3], [0.7, 1, -1, 2], [-1, 0.3, 2, 1]]);
    const gateObjective = (l: tf.Tensor) => tf.sum(tf.mul(routeTopK(l as tf.Tensor2D, 2).gates, weights)) as tf.Scalar;
    expect(checkGradients(gateObjective, [logits], { samples: 12 }).maxError).toBeLessThan(2e-2);
    const balance = (l: tf.Tensor) => routeTopK(l as tf.Tensor2D, 2).balanceLoss;
    expect(checkGradients(balance, [logits], { samples: 12 }).maxError).toBeLessThan(2e-2);
  });

  it('gives unselected logits no gradient from the gates', () => {
    const logits = tf.tensor2d([[0.3, -1.2, 2.0]]);
    const grad = tf.grad((l: tf.Tensor) => tf.sum(tf.mul(routeTopK(l as tf.Tensor2D, 2).gates, tf.tensor1d([1, 5, -3]))) as tf.Scalar)(logits);
    const g = grad.dataSync();
    expect(g[1]).toBe(0);
    expect(Math.abs(g[0])).toBeGreaterThan(0.01);
  });
});

describe('checkRoutingParams', () => {
  it('names topK and experts when topK exceeds the number of experts', () => {
    expect(checkRoutingParams({ experts: 2, topK: 3 })?.message).toMatch(/"topK" \(3\).*"experts" \(2\)/);
    expect(checkRoutingParams({ experts: 3, topK: 3 })).toBeNull();
  });
});
