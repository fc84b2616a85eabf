import { describe, expect, it } from 'vitest';
import type { Graph } from '../../../engine/graph/schema.js';
import { createDocStore, sameGraphText } from './docStore.js';
import { addNode, moveNodes, setParam } from './graphEdits.js';
import { graphToText } from './newGraph.js';
import { spiralGraph } from './testGraphs.js';

describe('doc store', () => {
  it('records every edit as an undo stop with its label', () => {
    const doc = createDocStore(spiralGraph());
    doc.change('Add ReLU', (g) => addNode(g, 'ReLU', { x: 0, y: 0 }));
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 8));
    expect(doc.get().undoLabel).toBe('Set units');
    expect(doc.undo()).toBe('Set units');
    expect(doc.get().graph.nodes[1].params).toEqual({ units: 32 });
    expect(doc.undo()).toBe('Add ReLU');
    expect(doc.get().graph.nodes).toHaveLength(5);
    expect(doc.get().redoLabel).toBe('Add ReLU');
    doc.redo();
    expect(doc.get().graph.nodes.at(-1)?.type).toBe('ReLU');
  });

  it('undoes a whole drag in one step', () => {
    const doc = createDocStore(spiralGraph());
    for (let x = 0; x < 50; x += 5) doc.change('Move node', (g) => moveNodes(g, { a1: { x, y: 0 } }), { mergeKey: 'drag-1' });
    doc.undo();
    expect(doc.get().graph.nodes[2].position).toEqual({ x: 400, y: 0 });
  });

  it('tracks unsaved changes against the saved text, also after undoing back', () => {
    const doc = createDocStore();
    doc.load(spiralGraph(), { path: 'a.loom.json', name: 'a.loom.json' });
    expect(doc.isDirty()).toBe(false);
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 8));
    expect(doc.isDirty()).toBe(true);
    doc.undo();
    expect(doc.isDirty()).toBe(false);
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 8));
    doc.markSaved({ path: 'a.loom.json', name: 'a.loom.json' }, graphToText(doc.get().graph));
    expect(doc.isDirty()).toBe(false);
  });

  it('clears the unsaved mark when a drag ends where it started, and shows it to subscribers', () => {
    const doc = createDocStore();
    doc.load(spiralGraph(), { path: 'a.loom.json', name: 'a.loom.json' });
    const seen: boolean[] = [];
    doc.store.subscribe((s, prev) => s.dirty !== prev.dirty && seen.push(s.dirty));
    for (const x of [410, 420, 400]) doc.change('Move node', (g) => moveNodes(g, { a1: { x, y: 0 } }), { mergeKey: 'drag-1' });
    expect(seen).toEqual([true, false]);
    expect(doc.isDirty()).toBe(false);
    doc.change('Add ReLU', (g) => addNode(g, 'ReLU', { x: 0, y: 0 }));
    expect(doc.get().dirty).toBe(true);
    doc.undo();
    expect(doc.get().dirty).toBe(false);
    doc.redo();
    expect(doc.get().dirty).toBe(true);
  });

  it('compares against saved text that is not the opened graph', () => {
    const doc = createDocStore();
    const onDisk = spiralGraph();
    const edited = spiralGraph();
    edited.nodes[1].params = { units: 8 };
    // A template opened from its text; restored work whose file holds older text.
    doc.load(edited, { path: 'a.loom.json', name: 'a.loom.json' }, graphToText(onDisk));
    expect(doc.isDirty()).toBe(true);
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 32));
    expect(doc.isDirty()).toBe(false);
    // The same graph, written by hand with other spacing: the file would change on save.
    doc.load(onDisk, { path: 'a.loom.json', name: 'a.loom.json' }, JSON.stringify(onDisk));
    expect(doc.isDirty()).toBe(true);
    // Restored work never saved: unsaved whatever the edits, even undone.
    doc.load(onDisk, { path: null, name: 'Untitled' }, '');
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 8));
    doc.undo();
    expect(doc.isDirty()).toBe(true);
  });

  it('stays unsaved when the graph changed while its text was being written', () => {
    const doc = createDocStore(spiralGraph());
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 8));
    const text = graphToText(doc.get().graph);
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 9));
    doc.markSaved({ path: 'a.loom.json', name: 'a.loom.json' }, text);
    expect(doc.isDirty()).toBe(true);
    doc.undo();
    expect(doc.isDirty()).toBe(false);
  });

  it('tells graphs apart exactly as their saved text does', () => {
    const base = spiralGraph();
    const variants: [string, (g: Graph) => Graph][] = [
      ['node keys in another order', (g) => ({ ...g, nodes: g.nodes.map((n) => ({ position: n.position, params: n.params, type: n.type, id: n.id })) })],
      ['graph keys in another order', (g) => ({ edges: g.edges, nodes: g.nodes, dataset: g.dataset, version: g.version, format: g.format })],
      ['an undefined label', (g) => ({ ...g, nodes: g.nodes.map((n) => ({ ...n, label: undefined })) })],
      ['params in another order', (g) => ({ ...g, nodes: g.nodes.map((n, i) => (i === 1 ? { ...n, params: { bias: true, units: 32 } } : n)) })],
      ['a moved node', (g) => ({ ...g, nodes: g.nodes.map((n, i) => (i === 2 ? { ...n, position: { x: 1, y: 0 } } : n)) })],
      ['a position written y first', (g) => ({ ...g, nodes: g.nodes.map((n, i) => (i === 2 ? { ...n, position: { y: 0, x: 400 } } : n)) })],
      ['an edge port spelled out', (g) => ({ ...g, edges: g.edges.map((e, i) => (i === 1 ? { ...e, sourcePort: 'out' } : e)) })],
      ['one edge fewer', (g) => ({ ...g, edges: g.edges.slice(1) })],
      ['an extra key', (g) => ({ ...g, notes: 'hi' }) as Graph],
      ['training added', (g) => ({ ...g, training: { optimizer: { type: 'adam', learningRate: 0.01 }, batchSize: 64, epochs: 20, seed: 1 } }) as Graph],
    ];
    const withBias = { ...base, nodes: base.nodes.map((n, i) => (i === 1 ? { ...n, params: { units: 32, bias: true } } : n)) };
    for (const a of [base, withBias]) {
      for (const [what, make] of variants) {
        const b = make(a);
        expect(sameGraphText(a, b), what).toBe(graphToText(a) === graphToText(b));
        expect(sameGraphText(b, a), what).toBe(graphToText(a) === graphToText(b));
      }
    }
  });

  it('does not record edits that change nothing', () => {
    const doc = createDocStore(spiralGraph());
    const revision = doc.get().revision;
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 32));
    expect(doc.get().revision).toBe(revision);
    expect(doc.get().undoLabel).toBeNull();
  });

  it('loading a document clears the history', () => {
    const doc = createDocStore(spiralGraph());
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 8));
    doc.load(spiralGraph(), { path: null, name: 'Untitled' });
    expect(doc.undo()).toBeNull();
  });

  it('replaces the graph from JSON as an undoable diff, tagged with its source', () => {
    const doc = createDocStore(spiralGraph());
    const next = structuredClone(doc.get().graph);
    next.nodes[3].params = { units: 3 };
    doc.replace('Edit JSON', next, { source: 'json' });
    expect(doc.get().lastSource).toBe('json');
    expect(doc.get().graph).toEqual(next);
    doc.undo();
    expect(doc.get().graph.nodes[3].params).toEqual({ units: 2 });
  });
});
