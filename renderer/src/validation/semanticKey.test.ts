import { produce } from 'immer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Graph } from '../../../engine/graph/schema.js';
import { moveNodes, reconcile, setLabel, setParam } from '../doc/graphEdits.js';
import { spiralGraph } from '../doc/testGraphs.js';
import { createSemanticKey, modelKey, semanticKey } from './semanticKey.js';

/** The spiral graph with a long chain of Linear layers, as large as the editor-at-scale targets. */
function chainGraph(size: number): Graph {
  const g = spiralGraph();
  for (let i = 0; i < size; i++) g.nodes.push({ id: `l${i}`, type: 'Linear', params: { units: 1 + (i % 9) }, position: { x: i * 10, y: 300 } });
  return g;
}

afterEach(() => vi.restoreAllMocks());

describe('graph keys', () => {
  it('tells which edits matter to validation and which to trained weights', () => {
    const g = spiralGraph();
    const moved = produce(g, (d) => moveNodes(d, { h1: { x: 1, y: 1 } }));
    const longer = produce(g, (d) => void (d.training = { optimizer: { type: 'sgd', learningRate: 0.1 }, batchSize: 8, epochs: 99 }));
    const wider = produce(g, (d) => void (d.nodes[1].params = { units: 8 }));
    expect(semanticKey(moved)).toBe(semanticKey(g));
    expect(semanticKey(longer)).not.toBe(semanticKey(g));
    expect(modelKey(longer)).toBe(modelKey(g));
    expect(modelKey(wider)).not.toBe(modelKey(g));
  });
});

describe('semantic key of successive edits', () => {
  it('keeps the key through a drag without writing the graph out, and changes it when a param changes', () => {
    const keyOf = createSemanticKey();
    let g = chainGraph(1000);
    const key = keyOf(g);
    const frames: Graph[] = [];
    for (let x = 0; x < 60; x++) frames.push((g = produce(g, (d) => moveNodes(d, { l500: { x, y: x }, h1: { x: -x, y: 0 } }))));
    const stringify = vi.spyOn(JSON, 'stringify');
    for (const frame of frames) expect(keyOf(frame)).toBe(key);
    expect(stringify).not.toHaveBeenCalled();
    stringify.mockRestore();

    const relabelled = produce(g, (d) => setLabel(d, 'l500', 'middle'));
    expect(keyOf(relabelled)).toBe(key);
    const edited = produce(relabelled, (d) => setParam(d, 'l500', 'units', 64));
    const stringifyEdit = vi.spyOn(JSON, 'stringify');
    const editedKey = keyOf(edited);
    // Only the edited node's params are written out, not the thousand others.
    expect(stringifyEdit.mock.calls.length).toBeLessThanOrEqual(2);
    stringifyEdit.mockRestore();
    expect(editedKey).not.toBe(key);
    expect(keyOf(edited)).toBe(editedKey);
  });

  it('sees every kind of change that validation depends on, also when the parts are new objects', () => {
    const g = spiralGraph();
    const edits: [string, (d: Graph) => void][] = [
      ['param', (d) => setParam(d, 'h1', 'units', 33)],
      ['type', (d) => void (d.nodes[2].type = 'Tanh')],
      ['node order', (d) => void d.nodes.reverse()],
      ['edge', (d) => void d.edges.pop()],
      ['edge port', (d) => void (d.edges[0].sourcePort = 'y')],
      ['dataset', (d) => void (d.dataset = { name: 'moons' })],
      ['training', (d) => void (d.training = { optimizer: { type: 'sgd', learningRate: 0.1 }, batchSize: 8, epochs: 9 })],
    ];
    for (const [what, edit] of edits) {
      const keyOf = createSemanticKey();
      const before = keyOf(g);
      const next = produce(g, edit);
      expect(semanticKey(next), what).not.toBe(semanticKey(g));
      expect(keyOf(next), what).not.toBe(before);
    }
    // The JSON view replaces objects with equal ones: same key.
    const keyOf = createSemanticKey();
    const key = keyOf(g);
    expect(keyOf(produce(g, (d) => reconcile(d as never, structuredClone(g) as never)))).toBe(key);
    expect(keyOf(structuredClone(g))).toBe(key);
  });
});
