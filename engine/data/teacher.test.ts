import { describe, expect, it } from 'vitest';
import { loadDataset } from './registry.js';
import type { DataSplit } from './spec.js';

function rows(split: DataSplit, width: number): number[][] {
  return Array.from({ length: split.count }, (_, i) => Array.from(split.y.subarray(i * width, (i + 1) * width)));
}

const entropy = (p: number[]) => -p.reduce((s, q) => s + (q > 0 ? q * Math.log(q) : 0), 0);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('teacher', () => {
  it('gives gaussian features and soft labels: one distribution over the classes per example', async () => {
    const d = await loadDataset({ name: 'teacher', params: { samples: 500, features: 6, classes: 4 } }, 1);
    expect(d.spec.task).toBe('distribution');
    expect(d.spec.x).toEqual({ shape: ['B', 6], dtype: 'float32' });
    expect(d.spec.y).toEqual({ shape: ['B', 4], dtype: 'float32' });
    expect(d.train.count + d.test.count).toBe(500);
    expect(d.train.x).toHaveLength(d.train.count * 6);
    const probs = rows(d.train, 4);
    for (const p of probs) {
      expect(p.every((q) => q > 0)).toBe(true);
      expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    }
    // Neither one-hot nor uniform, and not the same distribution everywhere.
    const h = mean(probs.map(entropy));
    expect(h).toBeGreaterThan(0.2);
    expect(h).toBeLessThan(Math.log(4) - 0.1);
    expect(new Set(probs.map((p) => p.indexOf(Math.max(...p)))).size).toBeGreaterThan(1);
    expect(Math.abs(mean(Array.from(d.train.x)))).toBeLessThan(0.1);
  });

  it('lower temperature sharpens the same teacher\'s targets', async () => {
    const ref = (temperature: number) => ({ name: 'teacher', params: { temperature } });
    const sharp = await loadDataset(ref(0.3), 1);
    const soft = await loadDataset(ref(3), 1);
    expect(sharp.train.x).toEqual(soft.train.x);
    expect(mean(rows(sharp.train, 5).map(entropy))).toBeLessThan(mean(rows(soft.train, 5).map(entropy)) - 0.3);
  });

  it('is seeded', async () => {
    const a = await loadDataset({ name: 'teacher' }, 4);
    const b = await loadDataset({ name: 'teacher' }, 4);
    const c = await loadDataset({ name: 'teacher' }, 5);
    expect(b.train.y).toEqual(a.train.y);
    expect(c.train.y).not.toEqual(a.train.y);
  });
});
