import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../../tf.js';
import { MoE } from './moe.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

// Importing the wasm backend makes it the preferred one: run on cpu except where a test
// switches to wasm on purpose.
await tf.setBackend('cpu');

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const gelu = (z: number) => {
  // Φ(z) by numerical integration, independent of the erf the kind uses.
  let integral = 0;
  const steps = 20000;
  for (let i = 0; i < steps; i++) {
    const u = -10 + ((z + 10) * (i + 0.5)) / steps;
    integral += Math.exp(-u * u / 2);
  }
  return z * (integral * ((z + 10) / steps)) / Math.sqrt(2 * Math.PI);
};

/**
 * Two experts on one feature. The gate logits are [x, -x], so positive tokens prefer
 * expert 0 and negative ones expert 1.
 *   expert 0: 3·act(2x) + 1      expert 1: 1·act(-x) + 0
 */
const handWeights = () => ({
  gate_weight: tf.tensor2d([[1, -1]]),
  gate_bias: tf.tensor1d([0, 0]),
  w1: tf.tensor3d([[[2]], [[-1]]]),
  b1: tf.tensor2d([[0], [0]]),
  w2: tf.tensor3d([[[3]], [[1]]]),
  b2: tf.tensor2d([[1], [0]]),
});
const handParams = { experts: 2, hidden: 1, units: 1 };

describe('MoE shapes', () => {
  it('maps [B, D] to [B, units] and [B, T, D] to [B, T, units]', () => {
    expect(inferKind(MoE, { units: 5 }, { in: { dtype: 'float32', shape: ['B', 3] } })).toEqual({
      ok: true,
      outputs: { out: { dtype: 'float32', shape: ['B', 5] } },
    });
    expect(inferKind(MoE, { units: 5 }, { in: { dtype: 'float32', shape: ['B', 7, 3] } })).toEqual({
      ok: true,
      outputs: { out: { dtype: 'float32', shape: ['B', 7, 5] } },
    });
  });

  it('refuses topK above experts, naming both params', () => {
    const r = inferKind(MoE, { experts: 2, topK: 3 }, { in: { dtype: 'float32', shape: ['B', 3] } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/"topK" \(3\) cannot exceed "experts" \(2\)/);
  });

  it('refuses int tokens and a missing feature axis on port "in"', () => {
    for (const input of [{ dtype: 'int32' as const, shape: ['B' as const, 3] }, { dtype: 'float32' as const, shape: ['B' as const] }]) {
      const r = inferKind(MoE, {}, { in: input });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors[0].port).toBe('in');
    }
    const missing = inferKind(MoE, {}, {});
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.errors[0]).toEqual({ port: 'in', message: 'input "in" is not connected' });
  });

  it('declares gate and expert variables with PyTorch-style uniform init', () => {
    const specs = MoE.variables!({ experts: 3, topK: 1, hidden: 8, units: 2, balanceWeight: 0.01, activation: 'relu' }, {
      in: { dtype: 'float32', shape: ['B', 4] },
    });
    expect(specs.map((s) => [s.name, s.shape])).toEqual([
      ['gate_weight', [4, 3]],
      ['gate_bias', [3]],
      ['w1', [3, 4, 8]],
      ['b1', [3, 8]],
      ['w2', [3, 8, 2]],
      ['b2', [3, 2]],
    ]);
    expect(specs.find((s) => s.name === 'w1')!.init).toEqual({ kind: 'uniform', limit: 0.5 });
    expect(specs.find((s) => s.name === 'b2')!.init).toEqual({ kind: 'uniform', limit: 1 / Math.sqrt(8) });
  });
});

describe('MoE forward', () => {
  it('sends each token to its top-1 expert with gate weight 1', () => {
    const run = runKind(MoE, { ...handParams, topK: 1 }, { in: tf.tensor2d([[1], [-2]]) }, { weights: handWeights() });
    // x = 1 → expert 0: 3·relu(2) + 1 = 7;  x = -2 → expert 1: relu(2) = 2.
    expect(Array.from(run.outputs.out.dataSync())).toEqual([7, 2]);
    expect(Array.from(run.records.routing.dataSync())).toEqual([1, 1]);
    expect(run.records.gates.arraySync()).toEqual([[1, 0], [0, 1]]);
  });

  it('mixes both experts by the softmax of their logits with top-2', () => {
    const run = runKind(MoE, { ...handParams, topK: 2 }, { in: tf.tensor2d([[1], [-2]]) }, { weights: handWeights() });
    const out = run.outputs.out.dataSync();
    // x = 1: logits [1, -1], experts give 7 and 0.  x = -2: logits [-2, 2], experts give 1 and 2.
    expect(out[0]).toBeCloseTo(sigmoid(2) * 7, 5);
    expect(out[1]).toBeCloseTo(sigmoid(-4) * 1 + sigmoid(4) * 2, 5);
  });

  it('uses the exact GELU inside experts when asked', () => {
    const run = runKind(MoE, { ...handParams, topK: 1, activation: 'gelu' }, { in: tf.tensor2d([[1], [-2]]) }, { weights: handWeights() });
    const out = run.outputs.out.dataSync();
    expect(out[0]).toBeCloseTo(3 * gelu(2) + 1, 5);
    expect(out[1]).toBeCloseTo(gelu(2), 5);
  });

  it('adds balanceWeight times the Switch balance loss on a hand-checked case', () => {
    // Both tokens go to expert 0: f = [1, 0], so the loss is 2·P_0 = σ(2) + σ(4).
    const run = runKind(MoE, { ...handParams, topK: 1, balanceWeight: 0.5 }, { in: tf.tensor2d([[1], [2]]) }, { weights: handWeights() });
    expect(run.auxLosses.balance.dataSync()[0]).toBeCloseTo(0.5 * (sigmoid(2) + sigmoid(4)), 6);
    const off = runKind(MoE, { ...handParams, topK: 1, balanceWeight: 0 }, { in: tf.tensor2d([[1], [2]]) }, { weights: handWeights() });
    expect(off.auxLosses.balance).toBeUndefined();
  });

  it('routes tokens·k assignments over [B, T, D] and keeps the token axes', () => {
    const x = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 11);
    const run = runKind(MoE, { experts: 4, topK: 2, hidden: 6, units: 3 }, { in: x });
    expect(run.outputs.out.shape).toEqual([3, 5, 3]);
    expect(run.records.routing.shape).toEqual([4]);
    expect(run.records.routing.sum().dataSync()[0]).toBe(3 * 5 * 2);
    expect(run.records.gates.shape).toEqual([15, 4]);
    // Each token's output depends on that token alone.
    const single = runKind(MoE, { experts: 4, topK: 2, hidden: 6, units: 3 }, { in: tf.slice(x, [1, 2, 0], [1, 1, 4]) }, { vars: run.vars });
    const expected = tf.slice(run.outputs.out, [1, 2, 0], [1, 1, 3]);
    expect(tf.max(tf.abs(tf.sub(single.outputs.out, expected))).dataSync()[0]).toBeLessThan(1e-6);
  });
});

describe('MoE gradients', () => {
  const x = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
  const weights = () => {
    const init = runKind(MoE, { experts: 3, topK: 2, hidden: 4, units: 2, activation: 'gelu' }, { in: x }).vars;
    return Object.fromEntries(Object.entries(init).map(([k, v]) => [k, tf.mul(v, 3)])) as Record<string, tf.Tensor>;
  };
  const objective = (w: Record<string, tf.Tensor>) => (xx: tf.Tensor, gate: tf.Tensor, w1: tf.Tensor) => {
    const run = runKind(
      MoE,
      { experts: 3, topK: 2, hidden: 4, units: 2, activation: 'gelu', balanceWeight: 0.3 },
      { in: xx },
      { weights: { ...w, gate_weight: gate, w1 } },
    );
    return tf.add(tf.sum(tf.square(run.outputs.out)), run.auxLosses.balance) as tf.Scalar;
  };

  it('match finite differences for the input, the gate weights and the experts', () => {
    const w = weights();
    const { maxError } = checkGradients(objective(w), [x, w.gate_weight, w.w1], { samples: 9 });
    expect(maxError).toBeLessThan(2e-2);
  });

  it('run forward and backward on the wasm backend (no missing kernel or gradient)', async () => {
    const w = weights();
    const cpu = objective(w)(x, w.gate_weight, w.w1).dataSync()[0];
    const cpuGrads = tf.grads(objective(w))([x, w.gate_weight, w.w1]).map((g) => ({ data: g.dataSync(), shape: g.shape }));
    await tf.setBackend('wasm');
    try {
      // Fresh copies, so every op below runs on wasm.
      const onWasm = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, tf.tensor(v.dataSync(), v.shape)]));
      const xw = tf.tensor(x.dataSync(), x.shape);
      const f = objective(onWasm);
      expect(f(xw, onWasm.gate_weight, onWasm.w1).dataSync()[0]).toBeCloseTo(cpu, 4);
      const grads = tf.grads(f)([xw, onWasm.gate_weight, onWasm.w1]);
      grads.forEach((g, i) => {
        const diff = tf.max(tf.abs(tf.sub(g, tf.tensor(cpuGrads[i].data, cpuGrads[i].shape)))).dataSync()[0];
        expect(diff).toBeLessThan(1e-4);
        expect(tf.getBackend()).toBe('wasm');
      });
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
