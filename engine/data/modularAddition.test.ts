import { describe, expect, it } from 'vitest';
import { describeDataset, loadDataset } from './registry.js';

describe('modular-addition', () => {
  it('covers every pair (a, b) exactly once across the splits, labelled (a + b) mod p', async () => {
    const p = 97;
    const d = await loadDataset({ name: 'modular-addition', params: { p, trainFraction: 0.3 } }, 5);
    expect(d.train.count).toBe(Math.round(0.3 * p * p));
    expect(d.train.count + d.test.count).toBe(p * p);
    const seen = new Uint8Array(p * p);
    for (const split of [d.train, d.test]) {
      expect(split.x).toBeInstanceOf(Int32Array);
      expect(split.y).toBeInstanceOf(Int32Array);
      for (let i = 0; i < split.count; i++) {
        const a = split.x[2 * i];
        const b = split.x[2 * i + 1];
        expect(split.y[i]).toBe((a + b) % p);
        seen[a * p + b]++;
      }
    }
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it('describes int32 token pairs with vocabulary and classes p', () => {
    const { spec, problems } = describeDataset({ name: 'modular-addition', params: { p: 13 } });
    expect(problems).toEqual([]);
    expect(spec).toMatchObject({ x: { shape: ['B', 2], dtype: 'int32' }, y: { shape: ['B'], dtype: 'int32' }, vocab: 13, numClasses: 13 });
  });

  it('the training pairs are a seeded random subset', async () => {
    const ref = { name: 'modular-addition', params: { p: 23 } };
    const a = await loadDataset(ref, 1);
    const b = await loadDataset(ref, 1);
    const c = await loadDataset(ref, 2);
    expect(b.train.x).toEqual(a.train.x);
    expect(c.train.x).not.toEqual(a.train.x);
    // Not the first rows of the table: early a values are not over-represented.
    let sumA = 0;
    for (let i = 0; i < a.train.count; i++) sumA += a.train.x[2 * i];
    const meanA = sumA / a.train.count;
    expect(meanA).toBeGreaterThan(8);
    expect(meanA).toBeLessThan(14);
  });

  it('ignores testFraction with a warning, and refuses a split that leaves no test pair', () => {
    const warned = describeDataset({ name: 'modular-addition', testFraction: 0.5 });
    expect(warned.spec).not.toBeNull();
    expect(warned.problems).toHaveLength(1);
    expect(warned.problems[0]).toMatchObject({ severity: 'warning', path: 'dataset.testFraction' });
    expect(warned.problems[0].message).toContain('testFraction is ignored');

    const all = describeDataset({ name: 'modular-addition', params: { p: 5, trainFraction: 0.99 } });
    expect(all.spec).toBeNull();
    expect(all.problems[0]).toMatchObject({ severity: 'error', path: 'dataset.params.trainFraction' });
    expect(all.problems[0].message).toContain('leaves no test pairs out of 25');
  });
});
