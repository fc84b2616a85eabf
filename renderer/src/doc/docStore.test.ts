import { describe, expect, it } from 'vitest';
import { createDocStore } from './docStore.js';
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
