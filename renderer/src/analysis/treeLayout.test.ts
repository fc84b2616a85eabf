import { describe, expect, it } from 'vitest';
import type { TreeWireNode } from '../../../engine/protocol/messages.js';
import { collapsedBeyond, DEFAULT_LAYOUT, descendantCounts, ellipsize, fitView, layoutTree, wrapRule, type LayoutItem } from './treeLayout.js';

const split = (id: number, parent: number | null, depth: number, yes: number | null, no: number | null): TreeWireNode => ({ id, parent, depth, kind: 'split', samples: 10, classCounts: [5, 5], rule: `r${id}`, yes, no });
const leaf = (id: number, parent: number, depth: number): TreeWireNode => ({ id, parent, depth, kind: 'leaf', samples: 5, classCounts: [5, 0], class: 0 });

/**      0
 *     /   \
 *    1     2
 *   / \   / \
 *  3   4 5  (not built)
 */
const nodes = [split(0, null, 0, 1, 2), split(1, 0, 1, 3, 4), split(2, 0, 1, 5, null), leaf(3, 1, 2), leaf(4, 1, 2), leaf(5, 2, 2)];
const o = DEFAULT_LAYOUT;
const col = (i: number) => i * (o.nodeWidth + o.hGap);
const row = (d: number) => d * (o.nodeHeight + o.vGap);
const at = (items: LayoutItem[], key: number | string) => items.find((it) => it.id === key)!;

describe('tree layout', () => {
  it('gives leaves their own columns, centres parents over their children, and a level per depth', () => {
    const l = layoutTree(nodes, 0, new Set());
    expect([at(l.items, 3).x, at(l.items, 4).x, at(l.items, 5).x]).toEqual([col(0), col(1), col(2)]);
    expect(at(l.items, 1).x).toBe((col(0) + col(1)) / 2);
    expect(at(l.items, 0).y).toBe(row(0));
    expect(at(l.items, 5).y).toBe(row(2));
    // Four columns (three leaves and the stub), three levels.
    expect(l.width).toBe(4 * o.nodeWidth + 3 * o.hGap);
    expect(l.height).toBe(3 * o.nodeHeight + 2 * o.vGap);
    // No two boxes of a level overlap.
    for (const a of l.items) for (const b of l.items) if (a !== b && a.y === b.y) expect(Math.abs(a.x - b.x)).toBeGreaterThanOrEqual(o.nodeWidth);
  });

  it('shows a side that was not built as a stub, and a side that was not sent as another', () => {
    const l = layoutTree(nodes, 0, new Set());
    expect(at(l.items, 's2-no')).toMatchObject({ kind: 'stub', reason: 'not built', x: col(3), y: row(2) });
    const partial = layoutTree(nodes.filter((n) => n.id !== 4), 0, new Set());
    expect(at(partial.items, 's1-no')).toMatchObject({ kind: 'stub', reason: 'not shown' });
    // Each edge is labelled yes or no and joins the bottom of the parent to the top of the child.
    const e = l.edges.find((e) => e.to_id === 'n3')!;
    expect(e.label).toBe('yes');
    expect(e.from).toEqual({ x: at(l.items, 1).x + o.nodeWidth / 2, y: row(1) + o.nodeHeight });
    expect(e.to).toEqual({ x: col(0) + o.nodeWidth / 2, y: row(2) });
  });

  it('folds a collapsed subtree into one box that counts what it hides, freeing its width', () => {
    const l = layoutTree(nodes, 0, new Set([1]));
    const one = at(l.items, 1);
    expect(one).toMatchObject({ kind: 'node', collapsed: true, hiddenCount: 2 });
    expect(l.items.some((it) => it.id === 3)).toBe(false);
    expect(l.width).toBe(3 * o.nodeWidth + 2 * o.hGap);
    expect(collapsedBeyond(nodes, 1)).toEqual(new Set([1, 2]));
    expect(descendantCounts(nodes, 0).get(0)).toBe(6);
  });

  it('fits a drawing into the view without enlarging it, and cuts long text', () => {
    expect(fitView(1000, 200, 500, 400, 0)).toEqual({ k: 0.5, tx: 0, ty: 0 });
    expect(fitView(100, 100, 500, 400, 0).k).toBe(1);
    expect(ellipsize('0.83·x0 − 1.2·x1 + 0.4 > 0', 10)).toBe('0.83·x0 −…');
    expect(ellipsize('short', 10)).toBe('short');
    // Rules wrap onto two lines before a term, the second cut if it is still too long.
    expect(wrapRule('−0.775·x1 + 0.674·x2 + 1.04 > 0', 24)).toEqual(['−0.775·x1 + 0.674·x2', '+ 1.04 > 0']);
    expect(wrapRule('x1 > 0', 24)).toEqual(['x1 > 0', '']);
    expect(wrapRule('0.1·x1 + 0.2·x2 + 0.3·x3 + 0.4·x4 + 0.5·x5 + 0.6·x6 > 0', 20)).toEqual(['0.1·x1 + 0.2·x2', '+ 0.3·x3 + 0.4·x4 +…']);
  });
});
