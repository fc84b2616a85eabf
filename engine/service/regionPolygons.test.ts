import { describe, expect, it } from 'vitest';
import type { TreeNode } from '../analysis/tree/types.js';
import { clipHalfPlane, leafPolygons, polygonArea, type Point } from './regionPolygons.js';

const square: Point[] = [
  [0, 0],
  [2, 0],
  [2, 2],
  [0, 2],
];

describe('regions of a tree on the plane', () => {
  it('cuts a polygon by a line: each side keeps its part, and the parts add up', () => {
    // x − 0.5 > 0: the right three quarters of the square.
    const right = clipHalfPlane(square, 1, 0, -0.5, true);
    const left = clipHalfPlane(square, 1, 0, -0.5, false);
    expect(polygonArea(right)).toBeCloseTo(3, 12);
    expect(polygonArea(left)).toBeCloseTo(1, 12);
    // The diagonal y > x: half.
    expect(polygonArea(clipHalfPlane(square, -1, 1, 0, true))).toBeCloseTo(2, 12);
    // A line missing the square leaves all or nothing.
    expect(polygonArea(clipHalfPlane(square, 1, 0, 5, true))).toBeCloseTo(4, 12);
    expect(clipHalfPlane(square, 1, 0, 5, false)).toEqual([]);
  });

  it('gives each leaf the box cut by the rules on its path (yes where the rule holds, whatever its operator)', () => {
    const base = { samples: 0, classCounts: [], labelCounts: [] };
    const rule = (w: number[], b: number, op: '>' | '<=') => ({ weights: w, bias: b, op, text: '' });
    const nodes: TreeNode[] = [
      { ...base, id: 0, parent: null, depth: 0, kind: 'split', rule: rule([1, 0], -1, '>'), yes: 1, no: 2 },
      { ...base, id: 1, parent: 0, depth: 1, kind: 'leaf', class: 1 },
      { ...base, id: 2, parent: 0, depth: 1, kind: 'split', rule: rule([0, 1], -0.5, '<='), yes: 3, no: null },
      { ...base, id: 3, parent: 2, depth: 2, kind: 'leaf', class: 0 },
    ];
    const regions = leafPolygons(nodes, 0, { xMin: 0, xMax: 2, yMin: 0, yMax: 2 });
    expect(regions.map((r) => [r.leaf, r.class, polygonArea(r.polygon)])).toEqual([
      [1, 1, 2], // x > 1
      [3, 0, 0.5], // x ≤ 1 and y ≤ 0.5
    ]);
    // The side that was not built (node 2's no) has no region.
    expect(regions.some((r) => r.polygon.some(([, y]) => y > 0.5 && r.leaf === 3))).toBe(false);
  });
});
