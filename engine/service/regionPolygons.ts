import type { TreeNode } from '../analysis/tree/types.js';
import type { TreeRegion } from '../protocol/messages.js';

export type Point = [number, number];

export interface Box2 {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * The part of a convex polygon where `a·x + b·y + c > 0` (`positive`) or `≤ 0`
 * (Sutherland–Hodgman against one line). Points on the line belong to the `≤ 0` side,
 * as the tree's rules put them, but a polygon of zero area is dropped either way.
 */
export function clipHalfPlane(polygon: Point[], a: number, b: number, c: number, positive: boolean): Point[] {
  const side = (p: Point) => (positive ? 1 : -1) * (a * p[0] + b * p[1] + c);
  const out: Point[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const p = polygon[i];
    const q = polygon[(i + 1) % polygon.length];
    const sp = side(p);
    const sq = side(q);
    if (sp >= 0) out.push(p);
    if ((sp > 0 && sq < 0) || (sp < 0 && sq > 0)) {
      const t = sp / (sp - sq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  return polygonArea(out) > 0 ? out : [];
}

export function polygonArea(polygon: Point[]): number {
  let twice = 0;
  for (let i = 0; i < polygon.length; i++) {
    const [x1, y1] = polygon[i];
    const [x2, y2] = polygon[(i + 1) % polygon.length];
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

/**
 * Each leaf's region of a tree on 2-D inputs: the box cut by the linear rule of every
 * split on the way from the root (the yes side where the rule holds). Leaves whose
 * region misses the box are left out. Coordinates are rounded to 1/100,000 of the box.
 */
export function leafPolygons(nodes: TreeNode[], root: number | null, box: Box2): TreeRegion[] {
  if (root === null) return [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out: TreeRegion[] = [];
  const start: Point[] = [
    [box.xMin, box.yMin],
    [box.xMax, box.yMin],
    [box.xMax, box.yMax],
    [box.xMin, box.yMax],
  ];
  const round = rounder(box);
  const stack: { id: number; polygon: Point[] }[] = [{ id: root, polygon: start }];
  while (stack.length) {
    const { id, polygon } = stack.pop()!;
    const node = byId.get(id);
    if (!node) continue;
    if (node.kind === 'leaf') {
      out.push({ leaf: node.id, class: node.class, polygon: polygon.map(round) });
      continue;
    }
    const [a, b] = node.rule.weights;
    const c = node.rule.bias;
    // The rule holds on the positive side for '>' and on the other for '<='.
    const holds = node.rule.op === '>';
    for (const [child, positive] of [
      [node.yes, holds],
      [node.no, !holds],
    ] as const) {
      if (child === null) continue;
      const part = clipHalfPlane(polygon, a ?? 0, b ?? 0, c, positive);
      if (part.length >= 3) stack.push({ id: child, polygon: part });
    }
  }
  return out.sort((p, q) => p.leaf - q.leaf);
}

function rounder(box: Box2): (p: Point) => Point {
  const step = (v: number) => (v > 0 ? 10 ** Math.floor(Math.log10(v / 1e5)) : 1e-9);
  const sx = step(box.xMax - box.xMin);
  const sy = step(box.yMax - box.yMin);
  return ([x, y]) => [Number((Math.round(x / sx) * sx).toPrecision(8)), Number((Math.round(y / sy) * sy).toPrecision(8))];
}
