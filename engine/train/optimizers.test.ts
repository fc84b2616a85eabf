import { afterEach, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import type { OptimizerConfig } from '../graph/schema.js';
import { createOptimizer, type Optimizer } from './optimizers.js';

const live: { dispose(): void }[] = [];
afterEach(() => {
  for (const d of live.splice(0)) d.dispose();
});

function vars(values: Record<string, number[]>): Map<string, tf.Variable> {
  const m = new Map<string, tf.Variable>();
  for (const [name, v] of Object.entries(values)) {
    const variable = tf.variable(tf.tensor1d(v));
    live.push(variable);
    m.set(name, variable);
  }
  return m;
}

function opt(config: OptimizerConfig): Optimizer {
  const o = createOptimizer(config);
  live.push(o);
  return o;
}

function step(o: Optimizer, vs: Map<string, tf.Variable>, grads: Record<string, number[]>): void {
  const g = Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, tf.tensor1d(v)]));
  o.applyGradients(vs, g);
  tf.dispose(Object.values(g));
}

const values = (v: tf.Variable) => Array.from(v.dataSync());

describe('createOptimizer', () => {
  it('SGD without momentum takes w − lr·g', () => {
    const vs = vars({ 'h1/weight': [1, -2] });
    step(opt({ type: 'sgd', learningRate: 0.1 }), vs, { 'h1/weight': [0.5, 1] });
    expect(values(vs.get('h1/weight')!)).toEqual([expect.closeTo(0.95, 6), expect.closeTo(-2.1, 6)]);
  });

  it('SGD momentum starts its buffer at the first gradient, as torch does', () => {
    const vs = vars({ w: [0] });
    const o = opt({ type: 'sgd', learningRate: 1, momentum: 0.9 });
    step(o, vs, { w: [1] }); // buf = 1, w = -1
    step(o, vs, { w: [1] }); // buf = 0.9 + 1 = 1.9, w = -2.9
    expect(values(vs.get('w')!)[0]).toBeCloseTo(-2.9, 6);
    const nv = vars({ w: [0] });
    const n = opt({ type: 'sgd', learningRate: 1, momentum: 0.9, nesterov: true });
    step(n, nv, { w: [1] }); // buf = 1, g = 1 + 0.9 = 1.9
    step(n, nv, { w: [1] }); // buf = 1.9, g = 1 + 1.71 = 2.71
    expect(values(nv.get('w')!)[0]).toBeCloseTo(-4.61, 5);
  });

  it('Adam moves each weight by about lr on the first step, whatever the gradient scale', () => {
    const vs = vars({ w: [1, 1, 1] });
    step(opt({ type: 'adam', learningRate: 0.01 }), vs, { w: [1e-3, -5, 200] });
    const w = values(vs.get('w')!);
    expect(w[0]).toBeCloseTo(0.99, 5);
    expect(w[1]).toBeCloseTo(1.01, 5);
    expect(w[2]).toBeCloseTo(0.99, 5);
  });

  it('AdamW decays weights apart from the gradient; Adam adds the decay to the gradient', () => {
    const a = vars({ w: [2] });
    step(opt({ type: 'adamw', learningRate: 0.1, weightDecay: 0.5 }), a, { w: [0] });
    expect(values(a.get('w')!)[0]).toBeCloseTo(2 * (1 - 0.1 * 0.5), 6); // Adam step on g = 0 is 0
    const b = vars({ w: [2] });
    step(opt({ type: 'adam', learningRate: 0.1, weightDecay: 0.5 }), b, { w: [0] });
    expect(values(b.get('w')!)[0]).toBeCloseTo(1.9, 5); // g = 0.5·2 > 0: one lr-sized step
  });

  it('AdamW defaults to weight decay 0.01, Adam to none', () => {
    const a = vars({ w: [1] });
    step(opt({ type: 'adamw', learningRate: 1 }), a, { w: [0] });
    expect(values(a.get('w')!)[0]).toBeCloseTo(0.99, 6);
    const b = vars({ w: [1] });
    step(opt({ type: 'adam', learningRate: 1 }), b, { w: [0] });
    expect(values(b.get('w')!)[0]).toBe(1);
  });

  it('leaves a variable without a gradient alone, and keeps no state for it', () => {
    const vs = vars({ a: [1], b: [1] });
    const o = opt({ type: 'adam', learningRate: 0.1 });
    step(o, vs, { a: [1] });
    expect(values(vs.get('b')!)).toEqual([1]);
    const state = o.getState();
    expect(Object.keys(state).sort()).toEqual(['adam.m/a', 'adam.t/a', 'adam.v/a', 'step']);
    expect(o.step).toBe(1);
    tf.dispose(Object.values(state));
  });

  it('names the variable when a gradient does not fit', () => {
    const vs = vars({ 'h1/weight': [1, 2] });
    const o = opt({ type: 'sgd', learningRate: 0.1 });
    expect(() => step(o, vs, { 'h2/weight': [1, 2] })).toThrow(/"h2\/weight".*not a variable/);
    expect(() => step(o, vs, { 'h1/weight': [1, 2, 3] })).toThrow(/"h1\/weight" has shape \[3\], the variable \[2\]/);
  });

  it('resumes from getState/setState on the same trajectory as an uninterrupted run', () => {
    const grads = [[0.3, -1], [0.5, 0.2], [-0.7, 0.1], [0.05, 0.9], [1.5, -0.4]];
    for (const config of [
      { type: 'adam', learningRate: 0.05, weightDecay: 0.1 },
      { type: 'sgd', learningRate: 0.05, momentum: 0.8, nesterov: true },
    ] as OptimizerConfig[]) {
      const straight = vars({ w: [1, 2] });
      const s = opt(config);
      for (const g of grads) step(s, straight, { w: g });

      const resumed = vars({ w: [1, 2] });
      const first = opt(config);
      for (const g of grads.slice(0, 3)) step(first, resumed, { w: g });
      const saved = first.getState();
      first.dispose(); // the saved copies must not depend on the first optimizer's tensors
      const second = opt(config);
      second.setState(saved);
      tf.dispose(Object.values(saved));
      expect(second.step).toBe(3);
      for (const g of grads.slice(3)) step(second, resumed, { w: g });
      expect(values(resumed.get('w')!)).toEqual(values(straight.get('w')!));
    }
  });

  it('refuses state saved by another kind of optimizer', () => {
    const vs = vars({ w: [1] });
    const adam = opt({ type: 'adam', learningRate: 0.1 });
    step(adam, vs, { w: [1] });
    const state = adam.getState();
    expect(() => opt({ type: 'sgd', learningRate: 0.1, momentum: 0.9 }).setState(state)).toThrow(/adam\.m\/w.*sgd optimizer/);
    tf.dispose(Object.values(state));
  });

  it('keeps the number of tensors stable over 20 steps', () => {
    for (const type of ['sgd', 'adam', 'adamw'] as const) {
      const vs = vars({ 'h1/weight': [1, 2, 3], 'h1/bias': [0] });
      const o = opt({ type, learningRate: 0.01, momentum: type === 'sgd' ? 0.9 : undefined, weightDecay: 0.1 });
      step(o, vs, { 'h1/weight': [1, 1, 1], 'h1/bias': [1] }); // creates the state
      const before = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) step(o, vs, { 'h1/weight': [i, -i, 1], 'h1/bias': [0.5] });
      expect(tf.memory().numTensors).toBe(before);
      o.dispose();
      expect(tf.memory().numTensors).toBeLessThan(before);
    }
  });
});
