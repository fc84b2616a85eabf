import type { Graph } from '../../../engine/graph/schema.js';
import type { KindLookup, KindPorts } from './graphEdits.js';

/** Port layouts of a few kinds, as kinds.list reports them (for tests without an engine). */
export const testKinds: KindPorts[] = [
  { type: 'Input', inputs: [], outputs: [{ name: 'x', doc: '' }, { name: 'y', doc: '' }] },
  { type: 'Linear', inputs: [{ name: 'in', doc: '' }], outputs: [{ name: 'out', doc: '' }] },
  { type: 'ReLU', inputs: [{ name: 'in', doc: '' }], outputs: [{ name: 'out', doc: '' }] },
  { type: 'CrossEntropy', inputs: [{ name: 'logits', doc: '' }, { name: 'labels', doc: '' }], outputs: [] },
];

export const lookupTestKind: KindLookup = (type) => testKinds.find((k) => k.type === type);

/** The spiral classifier of the design notes. */
export function spiralGraph(): Graph {
  return {
    format: 'tensorloom.graph',
    version: 1,
    dataset: { name: 'spirals' },
    nodes: [
      { id: 'in', type: 'Input', position: { x: 0, y: 0 } },
      { id: 'h1', type: 'Linear', params: { units: 32 }, position: { x: 200, y: 0 } },
      { id: 'a1', type: 'ReLU', position: { x: 400, y: 0 } },
      { id: 'out', type: 'Linear', params: { units: 2 }, position: { x: 600, y: 0 } },
      { id: 'loss', type: 'CrossEntropy', position: { x: 800, y: 0 } },
    ],
    edges: [
      { source: 'in', sourcePort: 'x', target: 'h1' },
      { source: 'h1', target: 'a1' },
      { source: 'a1', target: 'out' },
      { source: 'out', target: 'loss', targetPort: 'logits' },
      { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
    ],
  };
}
