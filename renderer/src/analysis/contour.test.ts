import { describe, expect, it } from 'vitest';
import { bilinear, contourLevels, contourSegments, formatLoss, lossColor, lossScale } from './contour.js';

/** A bowl: (x² + y²) on an n×n grid over [−1, 1]². */
function bowl(n: number, f = (x: number, y: number) => x * x + y * y): number[][] {
  const c = (i: number) => -1 + (2 * i) / (n - 1);
  return Array.from({ length: n }, (_, j) => Array.from({ length: n }, (_, i) => f(c(i), c(j))));
}

describe('landscape colours and contours', () => {
  it('maps low loss to the dark end and high loss to the light end, monotonically in lightness', () => {
    const lum = ([r, g, b]: number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const ts = Array.from({ length: 11 }, (_, i) => i / 10);
    const l = ts.map((t) => lum(lossColor(t)));
    expect(l.every((v, i) => i === 0 || v > l[i - 1])).toBe(true);
    expect(lossColor(-1)).toEqual(lossColor(0));
    expect(lossColor(Number.NaN)).toEqual(lossColor(1));
  });

  it('uses a log scale when losses span orders of magnitude, linear otherwise', () => {
    const s = lossScale([0.01, 0.1, 1, Infinity]);
    expect(s.log).toBe(true);
    expect(s.t(0.1)).toBeCloseTo(0.5, 12);
    expect(s.value(0.5)).toBeCloseTo(0.1, 12);
    expect(s.t(Infinity)).toBe(1);
    const lin = lossScale([1, 2]);
    expect(lin.log).toBe(false);
    expect(lin.t(1.5)).toBeCloseTo(0.5, 12);
    expect(contourLevels(lin, 3)).toEqual([1.25, 1.5, 1.75]);
  });

  it('samples the grid bilinearly, exact at grid points', () => {
    const g = [
      [0, 1],
      [2, 3],
    ];
    expect(bilinear(g, 0, 0)).toBe(0);
    expect(bilinear(g, 1, 1)).toBe(3);
    expect(bilinear(g, 0.5, 0.5)).toBe(1.5);
    expect(bilinear(g, 5, -5)).toBe(1);
  });

  it('traces a level of a bowl as a closed ring at the right radius', () => {
    const n = 41;
    const grid = bowl(n);
    // 0.27 is no sum of two squares of the grid's coordinates: no grid point lies on the level.
    const segs = contourSegments(grid, 0.27);
    expect(segs.length).toBeGreaterThan(40);
    const toX = (i: number) => -1 + (2 * i) / (n - 1);
    for (const [i1, j1, i2, j2] of segs) {
      expect(Math.hypot(toX(i1), toX(j1))).toBeCloseTo(Math.sqrt(0.27), 2);
      expect(Math.hypot(toX(i2), toX(j2))).toBeCloseTo(Math.sqrt(0.27), 2);
    }
    // Closed: every end point is shared by exactly two segments.
    const key = (i: number, j: number) => `${i.toFixed(6)},${j.toFixed(6)}`;
    const ends = new Map<string, number>();
    for (const [i1, j1, i2, j2] of segs) for (const k of [key(i1, j1), key(i2, j2)]) ends.set(k, (ends.get(k) ?? 0) + 1);
    expect([...ends.values()].every((c) => c === 2)).toBe(true);
    // A level above every value, or below, draws nothing.
    expect(contourSegments(grid, 5)).toEqual([]);
    expect(contourSegments(grid, -1)).toEqual([]);
  });

  it('splits a saddle cell by its centre value', () => {
    // Corners 0 and 2 high: the centre (mean 0.5) is above 0.4, so the high corners join.
    const segs = contourSegments([[1, 0], [0, 1]], 0.4);
    expect(segs).toHaveLength(2);
    expect(contourSegments([[1, 0], [0, 1]], 0.6)).toHaveLength(2);
  });

  it('writes losses with three significant digits', () => {
    expect(formatLoss(0.012345)).toBe('0.0123');
    expect(formatLoss(12.345)).toBe('12.3');
    expect(formatLoss(0.00001234)).toBe('1.23e-5');
    expect(formatLoss(Infinity)).toBe('–');
  });
});
