import { describe, expect, it } from 'vitest';
import { validateGraph } from '../graph/validate.js';
import { describeDataset } from '../data/registry.js';
import type { Graph } from '../graph/schema.js';
import { applyGraphPatch } from './graphPatch.js';

const mlp: Graph = {
  format: 'tensorloom.graph',
  version: 1,
  dataset: { name: 'moons', params: { samples: 200 } },
  nodes: [
    { id: 'in', type: 'Input' },
    { id: 'h', type: 'Linear', params: { units: 16 } },
    { id: 'drop', type: 'Dropout', params: { rate: 0.5 } },
    { id: 'out', type: 'Linear', params: { units: 2 } },
    { id: 'loss', type: 'CrossEntropy' },
  ],
  edges: [
    { source: 'in', sourcePort: 'x', target: 'h' },
    { source: 'h', target: 'drop' },
    { source: 'drop', target: 'out' },
    { source: 'out', target: 'loss', targetPort: 'logits' },
    { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
  ],
};

const problems = (g: Graph) => validateGraph(g, { describeDataset }).problems;

describe('applyGraphPatch', () => {
  it('bypasses a node: its consumers read its input instead, and the graph still validates', () => {
    const g = applyGraphPatch(mlp, { bypass: ['drop'] });
    expect(g.nodes.map((n) => n.id)).toEqual(['in', 'h', 'out', 'loss']);
    expect(g.edges).toContainEqual({ source: 'h', target: 'out' });
    expect(problems(g)).toEqual([]);
    expect(mlp.nodes).toHaveLength(5); // the template's graph is untouched
  });

  it('carries the source port of the bypassed node\'s input over to the rewired edge', () => {
    const g = applyGraphPatch(mlp, { bypass: ['h', 'drop'] });
    expect(g.edges).toContainEqual({ source: 'in', sourcePort: 'x', target: 'out' });
    expect(problems(g)).toEqual([]);
  });

  it('replaces a node by removing it and adding nodes and edges, and sets params', () => {
    const g = applyGraphPatch(mlp, {
      removeNodes: ['drop'],
      addNodes: [{ id: 'act', type: 'ReLU' }],
      addEdges: [{ source: 'h', target: 'act' }, { source: 'act', target: 'out' }],
      setParams: { h: { units: 8 } },
      dataset: { params: { noise: 0.3 } },
    });
    expect(g.nodes.find((n) => n.id === 'h')!.params).toEqual({ units: 8 });
    expect(g.dataset.params).toEqual({ samples: 200, noise: 0.3 });
    expect(problems(g)).toEqual([]);
  });

  it('refuses patches that name what the graph does not have', () => {
    expect(() => applyGraphPatch(mlp, { bypass: ['dropout'] })).toThrow('bypass: the graph has no node "dropout"');
    expect(() => applyGraphPatch(mlp, { bypass: ['loss'] })).toThrow('node "loss" has 2 input edges');
    expect(() => applyGraphPatch(mlp, { addNodes: [{ id: 'h', type: 'ReLU' }] })).toThrow('already has a node "h"');
    expect(() => applyGraphPatch(mlp, { removeEdges: [{ source: 'in', target: 'out' }] })).toThrow('no edge in → out');
  });
});
