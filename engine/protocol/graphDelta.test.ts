import { describe, expect, it } from 'vitest';
import { applyGraphDelta, diffGraph } from './graphDelta.js';

const graph = () => ({
  format: 'tensorloom.graph',
  version: 1,
  dataset: { name: 'spirals' },
  nodes: [{ id: 'in', type: 'Input' }, { id: 'h', type: 'Linear', params: { units: 4 } }, { id: 'loss', type: 'CrossEntropy' }],
  edges: [{ source: 'in', sourcePort: 'x', target: 'h' }, { source: 'h', target: 'loss', targetPort: 'logits' }],
});

describe('graph deltas', () => {
  it('rebuilds the new graph from the base: kept items by index, edited, added and reordered ones as they are', () => {
    const base = graph();
    const next = {
      ...base,
      dataset: { name: 'moons' },
      nodes: [base.nodes[2], { ...base.nodes[1], params: { units: 9 } }, base.nodes[0], { id: 'extra', type: 'ReLU' }],
      edges: [base.edges[1]],
    };
    const delta = diffGraph('b', base, next);
    expect(delta.nodes).toEqual([2, next.nodes[1], 0, next.nodes[3]]);
    expect(delta.edges).toEqual([1]);
    expect(delta.fields).toEqual({ format: 'tensorloom.graph', version: 1, dataset: { name: 'moons' } });
    expect(applyGraphDelta(base, JSON.parse(JSON.stringify(delta)))).toEqual({ graph: JSON.parse(JSON.stringify(next)) });
  });

  it('keeps a broken graph as broken: lists that are not lists, and missing lists, stay so', () => {
    const base = graph();
    const noEdges = { ...base, nodes: 'oops' } as Record<string, unknown>;
    delete noEdges.edges;
    const rebuilt = applyGraphDelta(base, diffGraph('b', base, noEdges));
    expect(rebuilt).toEqual({ graph: noEdges });
  });

  it('refuses an index outside the base, naming it', () => {
    const r = applyGraphDelta(graph(), { base: 'b', fields: {}, nodes: [0, 3], edges: [-1] });
    expect(r).toEqual({ error: 'nodes[1] refers to item 3 of the base graph, which has 3' });
    expect(applyGraphDelta(graph(), { base: 'b', fields: {}, nodes: [], edges: [0.5] })).toMatchObject({ error: /edges\[0\]/ });
  });
});
