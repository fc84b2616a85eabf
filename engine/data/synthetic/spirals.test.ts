import { describe, expect, it } from 'vitest';
import { loadDataset } from '../registry.js';
import { linearAccuracy, nearestNeighbourAccuracy } from './separability.js';

describe('spirals', () => {
  it('are separable (nearest neighbour near perfect) but not linearly separable', async () => {
    const d = await loadDataset({ name: 'spirals' }, 1);
    expect(nearestNeighbourAccuracy(d)).toBeGreaterThan(0.97);
    expect(linearAccuracy(d.train, d.test, 2)).toBeLessThan(0.8);
  });

  it('three arms are three classes, still separable and still not linear', async () => {
    const d = await loadDataset({ name: 'spirals', params: { classes: 3 } }, 1);
    expect(d.spec.numClasses).toBe(3);
    expect(nearestNeighbourAccuracy(d)).toBeGreaterThan(0.95);
    expect(linearAccuracy(d.train, d.test, 3)).toBeLessThan(0.6);
  });

  it('noise blurs the arms into each other', async () => {
    const clean = nearestNeighbourAccuracy(await loadDataset({ name: 'spirals', params: { noise: 0.05 } }, 1));
    const noisy = nearestNeighbourAccuracy(await loadDataset({ name: 'spirals', params: { noise: 0.6 } }, 1));
    expect(noisy).toBeLessThan(clean - 0.1);
  });

  it('points stay within the unit disc (plus jitter)', async () => {
    const d = await loadDataset({ name: 'spirals', params: { noise: 0 } }, 1);
    for (let i = 0; i < d.train.count; i++) {
      const r = Math.hypot(d.train.x[2 * i], d.train.x[2 * i + 1]);
      expect(r).toBeGreaterThanOrEqual(0.15 - 1e-6);
      expect(r).toBeLessThanOrEqual(1 + 1e-6);
    }
  });
});
