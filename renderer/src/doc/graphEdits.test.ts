import { describe, expect, it } from 'vitest';
import { enablePatches, produce, produceWithPatches } from 'immer';
import type { Graph } from '../../../engine/graph/schema.js';
import { addNode, connect, copyNodes, moveNodes, pasteClip, reconcile, removeEdges, removeNodes, renameNode, setLabel, setParam } from './graphEdits.js';
import { edgeKey, nextNodeId } from './ids.js';
import { lookupTestKind, spiralGraph } from './testGraphs.js';

const edit = (g: Graph, recipe: (d: Graph) => void) => produce(g, recipe);

describe('graph edits', () => {
  it('names new nodes after their kind with the first free number', () => {
    expect(nextNodeId(['linear1', 'linear3'], 'Linear')).toBe('linear2');
    const g = edit(spiralGraph(), (d) => void addNode(d, 'ReLU', { x: 10.4, y: 20.6 }));
    expect(g.nodes.at(-1)).toEqual({ id: 'relu1', type: 'ReLU', position: { x: 10, y: 21 } });
  });

  it('removes the edges of deleted nodes', () => {
    const g = edit(spiralGraph(), (d) => removeNodes(d, ['a1']));
    expect(g.nodes.map((n) => n.id)).toEqual(['in', 'h1', 'out', 'loss']);
    expect(g.edges.some((e) => e.source === 'a1' || e.target === 'a1')).toBe(false);
    expect(g.edges).toHaveLength(3);
  });

  it('connects with ports written only where a node has several', () => {
    let g = edit(spiralGraph(), (d) => removeNodes(d, ['loss']));
    g = edit(g, (d) => void addNode(d, 'CrossEntropy', { x: 0, y: 0 }, 'ce'));
    g = edit(g, (d) => void connect(d, { source: 'out', sourcePort: 'out', target: 'ce', targetPort: 'logits' }, lookupTestKind));
    g = edit(g, (d) => void connect(d, { source: 'in', sourcePort: 'y', target: 'ce', targetPort: 'labels' }, lookupTestKind));
    expect(g.edges.slice(-2)).toEqual([
      { source: 'out', target: 'ce', targetPort: 'logits' },
      { source: 'in', sourcePort: 'y', target: 'ce', targetPort: 'labels' },
    ]);
  });

  it('replaces the edge already feeding an input port', () => {
    const g = edit(spiralGraph(), (d) => void connect(d, { source: 'in', sourcePort: 'x', target: 'a1', targetPort: 'in' }, lookupTestKind));
    const intoA1 = g.edges.filter((e) => e.target === 'a1');
    expect(intoA1).toEqual([{ source: 'in', sourcePort: 'x', target: 'a1' }]);
  });

  it('refuses a self loop', () => {
    const before = spiralGraph();
    const g = edit(before, (d) => void connect(d, { source: 'h1', sourcePort: 'out', target: 'h1', targetPort: 'in' }, lookupTestKind));
    expect(g.edges).toEqual(before.edges);
  });

  it('removes edges by their canvas key', () => {
    const g0 = spiralGraph();
    const key = edgeKey(g0.edges[1]);
    expect(key).toBe('h1:->a1:');
    const g = edit(g0, (d) => removeEdges(d, [key]));
    expect(g.edges.map(edgeKey)).not.toContain(key);
    expect(g.edges).toHaveLength(4);
  });

  it('sets a param and removes it to fall back to the default', () => {
    let g = edit(spiralGraph(), (d) => setParam(d, 'h1', 'units', 64));
    expect(g.nodes[1].params).toEqual({ units: 64 });
    g = edit(g, (d) => setParam(d, 'h1', 'units', undefined));
    expect(g.nodes[1].params).toBeUndefined();
  });

  it('renames a node and its edges, refusing taken or malformed ids', () => {
    let error: string | null = null;
    const g = edit(spiralGraph(), (d) => void (error = renameNode(d, 'h1', 'hidden')));
    expect(error).toBeNull();
    expect(g.edges.filter((e) => e.source === 'hidden' || e.target === 'hidden')).toHaveLength(2);
    edit(g, (d) => void (error = renameNode(d, 'hidden', 'out')));
    expect(error).toMatch(/exists already/);
    edit(g, (d) => void (error = renameNode(d, 'hidden', 'has space')));
    expect(error).toMatch(/letters, digits/);
  });

  it('copies a selection with its inner edges and pastes it with fresh ids, shifted', () => {
    const g0 = spiralGraph();
    const clip = copyNodes(g0, ['h1', 'a1']);
    expect(clip.edges).toEqual([{ source: 'h1', target: 'a1' }]);
    let ids: string[] = [];
    const g = edit(g0, (d) => void (ids = pasteClip(d, clip, { x: 40, y: 40 })));
    expect(ids).toEqual(['linear1', 'relu1']);
    expect(g.nodes.find((n) => n.id === 'linear1')).toMatchObject({ type: 'Linear', params: { units: 32 }, position: { x: 240, y: 40 } });
    expect(g.edges.at(-1)).toEqual({ source: 'linear1', target: 'relu1' });
  });

  it('moves nodes to whole pixels, leaving the others as they were', () => {
    const g0 = spiralGraph();
    const g = edit(g0, (d) => moveNodes(d, { a1: { x: 410.6, y: 19.2 }, loss: { x: -3.4, y: 7.5 } }));
    expect(g.nodes.find((n) => n.id === 'a1')?.position).toEqual({ x: 411, y: 19 });
    expect(g.nodes.find((n) => n.id === 'loss')?.position).toEqual({ x: -3, y: 8 });
    // Untouched nodes keep their identity: the canvas and the unsaved mark skip them.
    expect(g.nodes.filter((n, i) => n === g0.nodes[i]).map((n) => n.id)).toEqual(['in', 'h1', 'out']);
  });

  it('ignores ids that are not in the graph', () => {
    const g = spiralGraph();
    expect(edit(g, (d) => moveNodes(d, { gone: { x: 1, y: 1 } }))).toBe(g);
  });

  it('moves the right nodes after the same edit added or removed some', () => {
    const added = edit(spiralGraph(), (d) => {
      addNode(d, 'ReLU', { x: 0, y: 0 }, 'r9');
      moveNodes(d, { r9: { x: 5, y: 6 }, h1: { x: 7, y: 8 } });
    });
    expect(added.nodes.find((n) => n.id === 'r9')?.position).toEqual({ x: 5, y: 6 });
    expect(added.nodes.find((n) => n.id === 'h1')?.position).toEqual({ x: 7, y: 8 });
    const g0 = spiralGraph();
    const removed = edit(g0, (d) => {
      removeNodes(d, ['h1']);
      moveNodes(d, { out: { x: 1, y: 2 } });
    });
    expect(removed.nodes.map((n) => [n.id, n.position])).toEqual(g0.nodes.filter((n) => n.id !== 'h1').map((n) => [n.id, n.id === 'out' ? { x: 1, y: 2 } : n.position]));
  });

  it('sets the param and label of the right node when the same edit reordered or added nodes', () => {
    const g0 = spiralGraph();
    const g = edit(g0, (d) => {
      d.nodes.reverse();
      addNode(d, 'Linear', { x: 0, y: 0 }, 'l9');
      setParam(d, 'h1', 'units', 7);
      setParam(d, 'l9', 'units', 3);
      setLabel(d, 'out', 'head');
    });
    expect(g.nodes.find((n) => n.id === 'h1')?.params?.units).toBe(7);
    expect(g.nodes.find((n) => n.id === 'l9')?.params?.units).toBe(3);
    expect(g.nodes.find((n) => n.id === 'out')?.label).toBe('head');
    expect(g.nodes.filter((n) => n.params?.units === 7)).toHaveLength(1);
    // One node edited: the others are the very objects they were.
    const one = edit(g0, (d) => setParam(d, 'out', 'units', 5));
    expect(one.nodes.filter((n, i) => n !== g0.nodes[i]).map((n) => n.id)).toEqual(['out']);
  });
});

describe('reconcile', () => {
  it('turns a JSON text edit into the few patches that differ', () => {
    enablePatches();
    const g0 = spiralGraph();
    const next = structuredClone(g0);
    next.nodes[1].params = { units: 64 };
    next.edges.pop();
    const [g, patches] = produceWithPatches(g0, (d) => reconcile(d as never, next as never));
    expect(g).toEqual(next);
    expect(patches.map((p) => `${p.op} ${p.path.join('.')}`).sort()).toEqual(['remove edges.4', 'replace nodes.1.params.units']);
  });
});
