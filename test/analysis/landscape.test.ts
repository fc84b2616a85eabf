import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../engine/tf.js';
import { initBackend } from '../../engine/backend/select.js';
import type { CompiledModel } from '../../engine/compile/compile.js';
import type { LoadedDataset } from '../../engine/data/spec.js';
import { evaluate } from '../../engine/train/evaluate.js';
import { createRng, gaussian } from '../../engine/util/hash.js';
import {
  compareRuns,
  lossLandscape,
  lossSlice,
  LossEvaluator,
  measureSharpness,
  pathDirections,
  randomDirection,
  type AnalysisProgress,
  type WeightSnapshot,
} from '../../engine/analysis/landscape/index.js';
import { mlpGraph, trained } from './helpers.js';

const spirals = { name: 'spirals', params: { samples: 400, noise: 0.1 } };

/**
 * The same function with a sharper minimum (Dinh et al. 2017): the first layer scaled
 * down by s and the next scaled up by 1/s. ReLU commutes with the scaling, so every
 * output is unchanged, but an ε-ball around the scaled weights reaches much further.
 */
function rescaled(model: CompiledModel, s: number): WeightSnapshot {
  const w = model.weights();
  const scale = (name: string, f: number) => (w[name] = { shape: w[name].shape, data: w[name].data.map((v) => v * f) });
  scale('h1/weight', s);
  scale('h1/bias', s);
  scale('h2/weight', 1 / s);
  return w;
}

describe('loss landscape and sharpness', () => {
  let model: CompiledModel;
  let data: LoadedDataset;
  let sharper: CompiledModel;

  beforeAll(async () => {
    await initBackend('cpu');
    const graph = mlpGraph([16, 16], spirals, { epochs: 40 });
    ({ model, data } = await trained(graph));
    ({ model: sharper } = await trained({ ...graph, training: { ...graph.training!, epochs: 1 } }));
    sharper.setWeights(rescaled(model, 0.25));
  });

  it('has the evaluated loss at its centre (to 1e-5) and leaves the weights as they were', async () => {
    const before = model.weights();
    const evaluated = await evaluate(model, data.train, data.spec);
    const progress: AnalysisProgress[] = [];
    const result = await lossLandscape(model, data, { grid: 5, range: 0.5, onProgress: (p) => progress.push(p) });
    expect(Math.abs(result.centerLoss - evaluated.loss)).toBeLessThan(1e-5);
    expect(result.grid).toHaveLength(5);
    expect(result.grid.every((row) => row.length === 5)).toBe(true);
    expect(result.xs).toEqual([-0.5, -0.25, 0, 0.25, 0.5]);
    expect(Math.abs(result.grid[2][2] - evaluated.loss)).toBeLessThan(1e-5);
    expect(result.samples).toBe(data.train.count);
    expect(result.sharpness!.loss).toBeCloseTo(result.centerLoss, 5);
    const grid = progress.filter((p) => p.phase === 'grid');
    expect(grid.at(-1)).toEqual({ phase: 'grid', done: 25, total: 25 });
    expect(progress.some((p) => p.phase === 'sharpness')).toBe(true);
    const after = model.weights();
    for (const name of Object.keys(before)) expect(after[name].data).toEqual(before[name].data);
    const test = await lossLandscape(model, data, { grid: 1, split: 'test', sharpness: false });
    expect(Math.abs(test.centerLoss - (await evaluate(model, data.test, data.spec)).loss)).toBeLessThan(1e-5);
    expect(test.sharpness).toBeUndefined();
  });

  it('is lowest near the trained weights along a 1-D slice', async () => {
    const slice = await lossSlice(model, data, { points: 41, range: 1 });
    const best = slice.losses.indexOf(Math.min(...slice.losses));
    expect(Math.abs(slice.alphas[best])).toBeLessThanOrEqual(0.1);
    expect(slice.losses[20]).toBe(slice.centerLoss);
    expect(slice.losses[0]).toBeGreaterThan(2 * slice.centerLoss);
    expect(slice.losses[40]).toBeGreaterThan(2 * slice.centerLoss);
  });

  it('measures sharpness ≥ 0, the ascent at least the first-order step, deterministically', async () => {
    const evaluator = new LossEvaluator(model, data.train, data.spec);
    try {
      const a = await measureSharpness(evaluator, { rho: 0.05, steps: 5 });
      const b = await measureSharpness(evaluator, { rho: 0.05, steps: 5 });
      expect(a.firstOrder).toBeGreaterThan(0);
      expect(a.ascent).toBeGreaterThanOrEqual(a.firstOrder);
      expect(a.ascentPath).toHaveLength(6);
      expect(b).toEqual(a);
      // A bigger ball reaches higher.
      const wide = await measureSharpness(evaluator, { rho: 0.2, steps: 5 });
      expect(wide.firstOrder).toBeGreaterThan(a.firstOrder);
    } finally {
      evaluator.dispose();
    }
  });

  it('finds the rescaled (same function, sharper) model sharper, while filter-normalised slices see no difference', async () => {
    const same = await evaluate(sharper, data.train, data.spec);
    expect(same.loss).toBeCloseTo((await evaluate(model, data.train, data.spec)).loss, 4);
    const cmp = await compareRuns(
      [
        { label: 'trained', model },
        { label: 'rescaled', model: sharper },
      ],
      data,
      { points: 11, range: 0.5, sharpness: { rho: 0.05, steps: 3 } },
    );
    const [flat, sharp] = cmp.runs;
    expect(cmp.alphas).toHaveLength(11);
    expect(sharp.sharpness!.firstOrder).toBeGreaterThan(2 * flat.sharpness!.firstOrder);
    expect(sharp.sharpness!.ascent).toBeGreaterThan(2 * flat.sharpness!.ascent);
    // Li et al.'s point: the normalisation makes slices blind to this rescaling.
    for (let i = 0; i < 11; i++) expect(Math.abs(sharp.slice.losses[i] - flat.slice.losses[i])).toBeLessThan(1e-3 * (1 + flat.slice.losses[i]));
  });

  it('scales every filter of a random direction to the norm of the weights\' filter, and zeroes the biases', () => {
    const w = model.weights();
    const dir = randomDirection(w, 9);
    try {
      const d = dir.get('h2/weight')!.arraySync() as number[][];
      const W = w['h2/weight'];
      const units = W.shape[1];
      for (let u = 0; u < units; u++) {
        let dn = 0;
        let wn = 0;
        for (let i = 0; i < W.shape[0]; i++) {
          dn += d[i][u] ** 2;
          wn += W.data[i * units + u] ** 2;
        }
        expect(Math.sqrt(dn)).toBeCloseTo(Math.sqrt(wn), 4);
      }
      expect(Array.from(dir.get('h2/bias')!.dataSync()).every((v) => v === 0)).toBe(true);
      const withBias = randomDirection(w, 9, 'weights');
      expect(Array.from(withBias.get('h2/bias')!.dataSync())).toEqual(Array.from(w['h2/bias'].data));
      tf.dispose([...withBias.values()]);
    } finally {
      tf.dispose([...dir.values()]);
    }
  });

  it('finds the training path\'s plane by PCA of weight snapshots, and plots along it', async () => {
    // Snapshots w + aᵢ·u + bᵢ·v for two orthogonal directions u, v: the path lies in their plane.
    const centre = model.weights();
    const names = Object.keys(centre);
    const rng = createRng(11);
    const rand = () => Object.fromEntries(names.map((n) => [n, centre[n].data.map(() => gaussian(rng))]));
    const u = rand();
    const vRaw = rand();
    const dot = (a: Record<string, Float32Array>, b: Record<string, Float32Array>) => names.reduce((s, n) => s + a[n].reduce((t, x, i) => t + x * b[n][i], 0), 0);
    const uu = dot(u, u);
    const proj = dot(u, vRaw) / uu;
    const v = Object.fromEntries(names.map((n) => [n, vRaw[n].map((x, i) => x - proj * u[n][i])]));
    const uNorm = Math.sqrt(uu);
    const vNorm = Math.sqrt(dot(v, v));
    const steps = [
      [1, 0.3],
      [0.8, 0.5],
      [0.5, 0.4],
      [0.3, 0.1],
      [0.1, 0.05],
    ];
    const snapshots: WeightSnapshot[] = steps.map(([a, b]) =>
      Object.fromEntries(names.map((n) => [n, { shape: centre[n].shape, data: centre[n].data.map((x, i) => x + (a * u[n][i]) / uNorm + (b * v[n][i]) / vNorm) }])),
    );
    const p = pathDirections(snapshots, centre);
    try {
      expect(p.explained[0] + p.explained[1]).toBeGreaterThan(0.999);
      // Distances from the centre are kept: the plane holds the whole path.
      p.coords.forEach((c, i) => expect(Math.hypot(c.x, c.y)).toBeCloseTo(Math.hypot(steps[i][0], steps[i][1]), 3));
    } finally {
      p.directions.forEach((d) => tf.dispose([...d.values()]));
    }
    const result = await lossLandscape(model, data, { path: snapshots, grid: 5, sharpness: false });
    expect(result.directions).toBe('path');
    expect(result.path).toHaveLength(5);
    expect(Math.min(...result.xs)).toBeLessThan(Math.min(0, ...result.path!.map((c) => c.x)));
    expect(Math.max(...result.xs)).toBeGreaterThan(Math.max(0, ...result.path!.map((c) => c.x)));
    expect(Math.abs(result.centerLoss - (await evaluate(model, data.train, data.spec)).loss)).toBeLessThan(1e-5);
  });

  it('can be cancelled mid-way, reporting progress, with the weights put back', async () => {
    const before = model.weights();
    const tensors = tf.memory().numTensors;
    const controller = new AbortController();
    let seen = 0;
    const run = lossLandscape(model, data, {
      grid: 21,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'grid' && p.done > 0) {
          seen = p.done;
          if (p.done === 30) controller.abort();
        }
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(seen).toBe(30);
    const after = model.weights();
    for (const name of Object.keys(before)) expect(after[name].data).toEqual(before[name].data);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
