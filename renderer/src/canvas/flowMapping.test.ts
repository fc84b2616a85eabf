import { describe, expect, it } from 'vitest';
import { produce } from 'immer';
import type { NodeKindInfo } from '../../../engine/protocol/messages.js';
import { setParam } from '../doc/graphEdits.js';
import { spiralGraph, testKinds } from '../doc/testGraphs.js';
import { FlowMapper, type FlowInputs } from './flowMapping.js';
import { layoutMissing } from './autoLayout.js';

const kinds = new Map(testKinds.map((k) => [k.type, { ...k, group: 'Layers', summary: '', doc: '', params: {} } as NodeKindInfo]));

function inputs(over: Partial<FlowInputs> = {}): FlowInputs {
  return { graph: spiralGraph(), kinds, selectedNodes: new Set(), selectedEdges: new Set(), measured: {}, ...over };
}

describe('graph to React Flow', () => {
  it('gives every edge handles named after the ports, defaults filled in', () => {
    const edges = new FlowMapper().edges(inputs());
    expect(edges.map((e) => `${e.source}.${e.sourceHandle}->${e.target}.${e.targetHandle}`)).toEqual([
      'in.x->h1.in',
      'h1.out->a1.in',
      'a1.out->out.in',
      'out.out->loss.logits',
      'in.y->loss.labels',
    ]);
  });

  it('hands back the same node and edge lists when only a parameter changed, so React Flow does nothing', () => {
    const mapper = new FlowMapper();
    const g1 = spiralGraph();
    const nodes = mapper.nodes(inputs({ graph: g1 }));
    const edges = mapper.edges(inputs({ graph: g1 }));
    const g2 = produce(g1, (d) => setParam(d, 'h1', 'units', 64));
    expect(mapper.nodes(inputs({ graph: g2 }))).toBe(nodes);
    expect(mapper.edges(inputs({ graph: g2 }))).toBe(edges);
    // A new type changes the node's ports: that node is new, the others are kept.
    const g3 = produce(g2, (d) => void (d.nodes[2].type = 'Tanh'));
    const retyped = mapper.nodes(inputs({ graph: g3 }));
    expect(retyped).not.toBe(nodes);
    expect(retyped[2].data.type).toBe('Tanh');
    expect(retyped.filter((n, i) => n !== nodes[i]).map((n) => n.id)).toEqual(['a1']);
  });

  it('gives a moved node a new object and keeps the others', () => {
    const mapper = new FlowMapper();
    const g1 = spiralGraph();
    const first = mapper.nodes(inputs({ graph: g1 }));
    const g2 = produce(g1, (d) => void (d.nodes[1].position = { x: 500, y: 300 }));
    const second = mapper.nodes(inputs({ graph: g2 }));
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1].position).toEqual({ x: 500, y: 300 });
  });

  it('hands back the same edge list when a node moved, and a new one when an edge changed', () => {
    const mapper = new FlowMapper();
    const g1 = spiralGraph();
    const first = mapper.edges(inputs({ graph: g1 }));
    const moved = produce(g1, (d) => void (d.nodes[1].position = { x: 500, y: 300 }));
    expect(mapper.edges(inputs({ graph: moved }))).toBe(first);
    const rewired = produce(moved, (d) => void d.edges.pop());
    const third = mapper.edges(inputs({ graph: rewired }));
    expect(third).not.toBe(first);
    expect(third).toHaveLength(first.length - 1);
  });

  it('marks selection from UI state, not from the document', () => {
    const nodes = new FlowMapper().nodes(inputs({ selectedNodes: new Set(['a1']) }));
    expect(nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['a1']);
  });

  it('keeps edges of an unknown kind drawn by giving it the ports its edges use', () => {
    const graph = produce(spiralGraph(), (d) => void (d.nodes[2].type = 'ReLux'));
    const relu = new FlowMapper().nodes(inputs({ graph }))[2];
    expect(relu.data.kind).toBeUndefined();
    expect(relu.data.guessedPorts).toEqual({ inputs: ['in'], outputs: ['out'] });
  });

  it('lays out nodes without a position in columns by depth', () => {
    const g = produce(spiralGraph(), (d) => {
      for (const n of d.nodes) delete n.position;
    });
    const placed = layoutMissing(g);
    expect(placed.get('in')?.x).toBe(0);
    expect(placed.get('h1')!.x).toBeGreaterThan(placed.get('in')!.x);
    expect(placed.get('loss')!.x).toBeGreaterThan(placed.get('out')!.x);
  });
});

describe('node face', () => {
  it('shows set params and a layer width, not default flags', async () => {
    const { paramSummary } = await import('./LoomNode.js');
    const linear = { type: 'Linear', group: 'Layers', summary: '', doc: '', inputs: [], outputs: [], params: { units: { kind: 'int', default: 32, min: 1, max: 9, doc: '' }, bias: { kind: 'boolean', default: true, doc: '' } } } as NodeKindInfo;
    expect(paramSummary({ kind: linear, node: { id: 'a', type: 'Linear' } })).toEqual([{ key: 'units', value: '32', set: false }]);
    expect(paramSummary({ kind: linear, node: { id: 'a', type: 'Linear', params: { bias: false } } })).toEqual([
      { key: 'units', value: '32', set: false },
      { key: 'bias', value: 'false', set: true },
    ]);
    const ce = { ...linear, params: { labelSmoothing: { kind: 'number', default: 0, min: 0, max: 1, doc: '' } } } as NodeKindInfo;
    expect(paramSummary({ kind: ce, node: { id: 'c', type: 'CrossEntropy' } })).toEqual([]);
  });
});
