import { describe, expect, it } from 'vitest';
import { permutation, shuffleSplit, testCount } from './split.js';

describe('shuffleSplit', () => {
  it('puts every example in exactly one split, its features and label together', () => {
    const count = 101;
    const x = Float32Array.from({ length: count * 3 }, (_, k) => Math.floor(k / 3));
    const y = Int32Array.from({ length: count }, (_, i) => i);
    const { train, test } = shuffleSplit({ x, y, count }, 0.3, 9);
    expect([train.count, test.count]).toEqual([71, 30]);
    const ids: number[] = [];
    for (const s of [train, test]) {
      for (let i = 0; i < s.count; i++) {
        expect(Array.from(s.x.subarray(3 * i, 3 * i + 3))).toEqual([s.y[i], s.y[i], s.y[i]]);
        ids.push(s.y[i]);
      }
    }
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(Array.from(test.y)).not.toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('keeps at least one example on each side', () => {
    expect(testCount(10, 0.01)).toBe(1);
    expect(testCount(10, 0.99)).toBe(9);
    expect(testCount(1000, 0.2)).toBe(200);
  });

  it('permutations are seeded', () => {
    expect(permutation(20, 1)).toEqual(permutation(20, 1));
    expect(permutation(20, 1)).not.toEqual(permutation(20, 2));
  });
});
