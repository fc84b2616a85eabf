import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../../tf.js';
import { MoA } from './moa.js';
import { checkGradients, inferKind, runKind } from '../../../test/helpers/kinds.js';

// Importing the wasm backend makes it the preferred one: run on cpu except where a test
// switches to wasm on purpose.
await tf.setBackend('cpu');

const e = Math.exp;

/**
 * One feature, one head of size 1, two experts. Router logits [x, -x]: positive tokens
 * go to expert 0 (query ×1, output ×1), negative ones to expert 1 (query ×-1, output ×3).
 * Keys and values are the token itself.
 */
const handWeights = (bias = 0) => ({
  gate_weight: tf.tensor2d([[1, -1]]),
  w_q: tf.tensor3d([[[1]], [[-1]]]),
  w_k: tf.tensor2d([[1]]),
  w_v: tf.tensor2d([[1]]),
  w_o: tf.tensor3d([[[1]], [[3]]]),
  b_o: tf.tensor1d([bias]),
});
const handParams = { experts: 2, topK: 1, heads: 1, headDim: 1 };

describe('MoA shapes', () => {
  it('maps [B, T, D] to [B, T, D]', () => {
    expect(inferKind(MoA, {}, { in: { dtype: 'float32', shape: ['B', 9, 12] } })).toEqual({
      ok: true,
      outputs: { out: { dtype: 'float32', shape: ['B', 9, 12] } },
    });
  });

  it('refuses a flat [B, D] input on port "in", saying a sequence is needed', () => {
    const r = inferKind(MoA, {}, { in: { dtype: 'float32', shape: ['B', 12] } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ port: 'in', message: expect.stringContaining('[B, T, D]') });
  });

  it('refuses topK above experts, naming both params', () => {
    const r = inferKind(MoA, { experts: 2, topK: 3 }, { in: { dtype: 'float32', shape: ['B', 4, 8] } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toMatch(/"topK" \(3\) cannot exceed "experts" \(2\)/);
  });

  it('declares per-expert query/output projections and shared key/value projections', () => {
    const specs = MoA.variables!({ experts: 3, topK: 2, heads: 2, headDim: 4, causal: true, balanceWeight: 0.01 }, {
      in: { dtype: 'float32', shape: ['B', 5, 6] },
    });
    expect(specs.map((s) => [s.name, s.shape])).toEqual([
      ['gate_weight', [6, 3]],
      ['w_q', [3, 6, 8]],
      ['w_k', [6, 8]],
      ['w_v', [6, 8]],
      ['w_o', [3, 8, 6]],
      ['b_o', [6]],
    ]);
  });
});

describe('MoA forward', () => {
  it('computes causal attention through the routed expert on a hand-checked case', () => {
    const run = runKind(MoA, { ...handParams, causal: true }, { in: tf.tensor3d([[[1], [2]], [[1], [-2]]]) }, { weights: handWeights(0.5) });
    const out = run.outputs.out.dataSync();
    // Token 0 sees only itself: its value, 1, through expert 0.
    expect(out[0]).toBeCloseTo(1 + 0.5, 5);
    // Sequence 0, token 1 → expert 0: query 2, keys [1, 2], scores [2, 4].
    expect(out[1]).toBeCloseTo((e(2) * 1 + e(4) * 2) / (e(2) + e(4)) + 0.5, 5);
    expect(out[2]).toBeCloseTo(1 + 0.5, 5);
    // Sequence 1, token 1 → expert 1: query (-1)(-2) = 2, keys [1, -2], scores [2, -4], output ×3.
    expect(out[3]).toBeCloseTo((3 * (e(2) * 1 + e(-4) * -2)) / (e(2) + e(-4)) + 0.5, 5);
    expect(Array.from(run.records.routing.dataSync())).toEqual([3, 1]);
  });

  it('lets early tokens see later ones when not causal', () => {
    const run = runKind(MoA, { ...handParams, causal: false }, { in: tf.tensor3d([[[1], [2]]]) }, { weights: handWeights() });
    const out = run.outputs.out.dataSync();
    // Token 0: query 1, keys [1, 2], scores [1, 2].
    expect(out[0]).toBeCloseTo((e(1) * 1 + e(2) * 2) / (e(1) + e(2)), 5);
    expect(out[1]).toBeCloseTo((e(2) * 1 + e(4) * 2) / (e(2) + e(4)), 5);
  });

  it('keeps earlier outputs unchanged when a later token changes, only if causal', () => {
    const a = tf.randomNormal([2, 4, 6], 0, 1, 'float32', 21);
    const changed = tf.concat([tf.slice(a, [0, 0, 0], [2, 3, 6]), tf.randomNormal([2, 1, 6], 0, 1, 'float32', 22)], 1);
    for (const causal of [true, false]) {
      const params = { experts: 3, topK: 2, heads: 2, headDim: 3, causal };
      const first = runKind(MoA, params, { in: a });
      const second = runKind(MoA, params, { in: changed }, { vars: first.vars });
      const diff = tf.max(tf.abs(tf.sub(tf.slice(first.outputs.out, [0, 0, 0], [2, 3, 6]), tf.slice(second.outputs.out, [0, 0, 0], [2, 3, 6]))));
      if (causal) expect(diff.dataSync()[0]).toBeLessThan(1e-6);
      else expect(diff.dataSync()[0]).toBeGreaterThan(1e-4);
    }
  });

  it('routes tokens·k assignments and adds the weighted balance loss', () => {
    const run = runKind(MoA, { experts: 4, topK: 2, heads: 2, headDim: 3, balanceWeight: 0.1 }, { in: tf.randomNormal([3, 5, 6], 0, 1, 'float32', 23) });
    expect(run.outputs.out.shape).toEqual([3, 5, 6]);
    expect(run.records.routing.sum().dataSync()[0]).toBe(3 * 5 * 2);
    expect(run.records.gates.shape).toEqual([15, 4]);
    const balance = run.auxLosses.balance.dataSync()[0];
    // E·Σ_i f_i·P_i is positive and at most E (Σ f_i = 1, P_i ≤ 1): weighted by 0.1, in (0, 0.4].
    expect(balance).toBeGreaterThan(0);
    expect(balance).toBeLessThanOrEqual(0.4 + 1e-6);
  });
});

describe('MoA gradients', () => {
  const params = { experts: 3, topK: 2, heads: 2, headDim: 2, causal: true, balanceWeight: 0.3 };
  const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 31);
  const weights = () => {
    const init = runKind(MoA, params, { in: x }).vars;
    return Object.fromEntries(Object.entries(init).map(([k, v]) => [k, tf.add(tf.mul(v, 2), k === 'b_o' ? 0.1 : 0)])) as Record<string, tf.Tensor>;
  };
  const objective = (w: Record<string, tf.Tensor>) => (xx: tf.Tensor, gate: tf.Tensor, wq: tf.Tensor, wk: tf.Tensor) => {
    const run = runKind(MoA, params, { in: xx }, { weights: { ...w, gate_weight: gate, w_q: wq, w_k: wk } });
    return tf.add(tf.sum(tf.square(run.outputs.out)), run.auxLosses.balance) as tf.Scalar;
  };

  it('match finite differences for the input, the router and the projections', () => {
    const w = weights();
    const { maxError } = checkGradients(objective(w), [x, w.gate_weight, w.w_q, w.w_k], { samples: 8 });
    expect(maxError).toBeLessThan(2e-2);
  });

  it('run forward and backward on the wasm backend (no missing kernel or gradient)', async () => {
    const w = weights();
    const args = [x, w.gate_weight, w.w_q, w.w_k];
    const cpu = objective(w)(x, w.gate_weight, w.w_q, w.w_k).dataSync()[0];
    const cpuGrads = tf.grads(objective(w))(args).map((g) => ({ data: g.dataSync(), shape: g.shape }));
    await tf.setBackend('wasm');
    try {
      // Fresh copies, so every op below runs on wasm.
      const copy = (t: tf.Tensor) => tf.tensor(t.dataSync(), t.shape);
      const onWasm = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, copy(v)]));
      const f = objective(onWasm);
      const wasmArgs = [copy(x), onWasm.gate_weight, onWasm.w_q, onWasm.w_k];
      expect(f(wasmArgs[0], wasmArgs[1], wasmArgs[2], wasmArgs[3]).dataSync()[0]).toBeCloseTo(cpu, 4);
      const grads = tf.grads(f)(wasmArgs);
      expect(tf.getBackend()).toBe('wasm');
      grads.forEach((g, i) => {
        expect(tf.max(tf.abs(tf.sub(g, tf.tensor(cpuGrads[i].data, cpuGrads[i].shape)))).dataSync()[0]).toBeLessThan(1e-4);
      });
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
