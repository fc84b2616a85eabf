import { describe, expect, it } from 'vitest';
import { axisWeights, resizeImage } from './resize.js';

describe('resizeImage', () => {
  it('shrinking by 2 averages each 2×2 block (area)', () => {
    const src = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]); // 4×4, 1 channel
    expect(Array.from(resizeImage(src, 4, 4, 1, 2))).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('shrinking by a fraction weights partly covered pixels by the covered length', () => {
    // 3 → 2: output 0 covers [0, 1.5): pixel 0 fully, pixel 1 half.
    const taps = axisWeights(3, 2);
    expect(taps[0].index).toEqual([0, 1]);
    expect(taps[0].weight[0]).toBeCloseTo(2 / 3);
    expect(taps[0].weight[1]).toBeCloseTo(1 / 3);
    const row = resizeImage(Float32Array.from([0, 3, 6, 0, 3, 6, 0, 3, 6]), 3, 3, 1, 2);
    expect(row[0]).toBeCloseTo(1);
    expect(row[1]).toBeCloseTo(5);
  });

  it('enlarging interpolates between pixel centres and keeps the edges', () => {
    // 2 → 4 along x: centres at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    const out = resizeImage(Float32Array.from([0, 8, 0, 8]), 2, 2, 1, 4);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 2, 6, 8]);
  });

  it('keeps channels apart and stretches non-square pictures', () => {
    // 2 wide × 1 high, RGB: red then blue, to 2×2.
    const out = resizeImage(Float32Array.from([1, 0, 0, 0, 0, 1]), 2, 1, 3, 2);
    expect(Array.from(out)).toEqual([1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1]);
  });

  it('weights sum to one for any pair of sizes', () => {
    for (const [from, to] of [[7, 3], [3, 7], [100, 28], [28, 64], [5, 5]]) {
      for (const t of axisWeights(from, to)) expect(t.weight.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
  });
});
