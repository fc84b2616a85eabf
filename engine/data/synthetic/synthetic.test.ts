import { describe, expect, it } from 'vitest';
import { describeDataset, loadDataset } from '../registry.js';
import type { LoadedDataset } from '../spec.js';
import { nearestNeighbourAccuracy } from './separability.js';

const TWO_D = ['spirals', 'moons', 'circles', 'xor', 'gaussians'];

function classCounts(d: LoadedDataset): number[] {
  const counts = new Array(d.spec.numClasses).fill(0);
  for (const s of [d.train, d.test]) for (const c of s.y) counts[c]++;
  return counts;
}

describe.each(TWO_D)('%s', (name) => {
  it('gives float32 points [B, 2] and int32 labels, split by testFraction', async () => {
    const d = await loadDataset({ name, params: { samples: 1000 }, testFraction: 0.25 }, 3);
    expect(d.spec.x).toEqual({ shape: ['B', 2], dtype: 'float32' });
    expect(d.spec.y).toEqual({ shape: ['B'], dtype: 'int32' });
    expect(d.train.count).toBe(750);
    expect(d.test.count).toBe(250);
    expect(d.train.x).toBeInstanceOf(Float32Array);
    expect(d.train.x).toHaveLength(1500);
    expect(d.test.y).toBeInstanceOf(Int32Array);
    expect(d.test.y).toHaveLength(250);
    expect(d.train.x.every(Number.isFinite)).toBe(true);
    expect(describeDataset({ name, params: { samples: 1000 } }).spec).toEqual(d.spec);
  });

  it('is the same for the same seed and different for another', async () => {
    const a = await loadDataset({ name }, 7);
    const b = await loadDataset({ name }, 7);
    const c = await loadDataset({ name }, 8);
    expect(b.train.x).toEqual(a.train.x);
    expect(b.test.y).toEqual(a.test.y);
    expect(c.train.x).not.toEqual(a.train.x);
  });

  it('balances the classes to within one example', async () => {
    const d = await loadDataset({ name, params: { samples: 1001 } }, 1);
    const counts = classCounts(d);
    expect(counts.reduce((a, b) => a + b)).toBe(1001);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('the split is a shuffle: both splits hold every class', async () => {
    const d = await loadDataset({ name }, 1);
    for (const s of [d.train, d.test]) expect(new Set(s.y).size).toBe(d.spec.numClasses);
  });
});

describe('shapes of the synthetic sets', () => {
  it('circles: the inner class sits at radius `factor`', async () => {
    const d = await loadDataset({ name: 'circles', params: { noise: 0, factor: 0.3 } }, 1);
    for (let i = 0; i < d.train.count; i++) {
      const r = Math.hypot(d.train.x[2 * i], d.train.x[2 * i + 1]);
      expect(r).toBeCloseTo(d.train.y[i] === 1 ? 0.3 : 1, 5);
    }
  });

  it('xor: without noise, the class is whether the signs agree', async () => {
    const d = await loadDataset({ name: 'xor', params: { noise: 0 } }, 1);
    for (let i = 0; i < d.train.count; i++) {
      const same = Math.sign(d.train.x[2 * i]) === Math.sign(d.train.x[2 * i + 1]);
      expect(d.train.y[i]).toBe(same ? 0 : 1);
    }
  });

  it('gaussians: 16 classes of 4 clusters each; more spread mixes the clusters', async () => {
    const d = await loadDataset({ name: 'gaussians', params: { classes: 16, clustersPerClass: 4, samples: 6400 } }, 1);
    expect(d.spec.numClasses).toBe(16);
    expect(Math.min(...classCounts(d))).toBe(400);
    // Nearest centre of mass per class would fail with 4 far-apart clusters per class;
    // nearest neighbour succeeds while clusters are tight and fails when they blend.
    const tight = nearestNeighbourAccuracy(d);
    const loose = nearestNeighbourAccuracy(await loadDataset({ name: 'gaussians', params: { classes: 16, clustersPerClass: 4, samples: 6400, spread: 0.8 } }, 1));
    expect(tight).toBeGreaterThan(0.97);
    expect(loose).toBeLessThan(tight - 0.2);
  });

  it('gaussians: too few samples for the clusters is a problem on samples', () => {
    const { spec, problems } = describeDataset({ name: 'gaussians', params: { classes: 16, clustersPerClass: 8, samples: 100 } });
    expect(spec).toBeNull();
    expect(problems).toHaveLength(1);
    expect(problems[0].path).toBe('dataset.params.samples');
    expect(problems[0].message).toContain('at least classes × clustersPerClass = 128');
  });
});
