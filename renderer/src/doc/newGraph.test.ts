import { describe, expect, it } from 'vitest';
import { graphToText, sameJson } from './newGraph.js';
import { spiralGraph } from './testGraphs.js';

describe('graph text', () => {
  it('writes node and edge keys in the format order, whatever order edits added them', () => {
    const g = spiralGraph();
    g.nodes[1] = { id: 'h1', position: { x: 1, y: 2 }, type: 'Linear', params: { units: 3 } } as never;
    g.edges[0] = { target: 'h1', source: 'in', sourcePort: 'x' } as never;
    const parsed = JSON.parse(graphToText(g));
    expect(Object.keys(parsed)).toEqual(['format', 'version', 'dataset', 'nodes', 'edges']);
    expect(Object.keys(parsed.nodes[1])).toEqual(['id', 'type', 'params', 'position']);
    expect(Object.keys(parsed.edges[0])).toEqual(['source', 'sourcePort', 'target']);
    expect(graphToText(g).endsWith('}\n')).toBe(true);
  });

  it('compares JSON values regardless of key order', () => {
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });
});
