import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { moveNodes } from '../doc/graphEdits.js';
import { spiralGraph } from '../doc/testGraphs.js';
import { moveDragged } from './moveDragged.js';

describe('moveDragged', () => {
  it('moves the dragged nodes to whole pixels like moveNodes, leaving the others as they were', () => {
    const g = spiralGraph();
    const positions = { a1: { x: 410.6, y: 19.2 }, loss: { x: -3.4, y: 7.5 } };
    const moved = produce(g, (d) => moveDragged(d, positions));
    expect(moved).toEqual(produce(g, (d) => moveNodes(d, positions)));
    expect(moved.nodes.find((n) => n.id === 'a1')?.position).toEqual({ x: 411, y: 19 });
    expect(moved.nodes.find((n) => n.id === 'loss')?.position).toEqual({ x: -3, y: 8 });
    // Untouched nodes keep their identity: the canvas and the unsaved mark skip them.
    expect(moved.nodes.filter((n, i) => n === g.nodes[i]).map((n) => n.id)).toEqual(['in', 'h1', 'out']);
  });

  it('ignores ids that are not in the graph', () => {
    const g = spiralGraph();
    expect(produce(g, (d) => moveDragged(d, { gone: { x: 1, y: 1 } }))).toBe(g);
  });
});
