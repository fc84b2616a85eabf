import type { Graph } from '../../engine/graph/schema.js';
import type { DescribeDataset } from '../../engine/graph/validate.js';

/** The spirals MLP of the design notes: Input → Linear → ReLU → Linear → CrossEntropy. */
export function spiralsGraph(overrides: Partial<Graph> = {}): Graph {
  return {
    format: 'tensorloom.graph',
    version: 1,
    meta: { title: 'Spiral classifier' },
    dataset: { name: 'spirals', params: { samples: 2000, noise: 0.1 }, testFraction: 0.2 },
    nodes: [
      { id: 'in', type: 'Input', position: { x: 0, y: 0 } },
      { id: 'h1', type: 'Linear', params: { units: 32 } },
      { id: 'a1', type: 'ReLU' },
      { id: 'h2', type: 'Linear', params: { units: 32 } },
      { id: 'a2', type: 'ReLU' },
      { id: 'out', type: 'Linear', params: { units: 2 } },
      { id: 'loss', type: 'CrossEntropy' },
    ],
    edges: [
      { source: 'in', sourcePort: 'x', target: 'h1' },
      { source: 'h1', target: 'a1' },
      { source: 'a1', target: 'h2' },
      { source: 'h2', target: 'a2' },
      { source: 'a2', target: 'out' },
      { source: 'out', target: 'loss', targetPort: 'logits' },
      { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
    ],
    training: { optimizer: { type: 'adam', learningRate: 0.01 }, batchSize: 64, epochs: 30, seed: 1 },
    ...overrides,
  };
}

/** A dataset description for validator tests that need no data module. */
export const fake2dDataset: DescribeDataset = (ref) => ({
  spec: { name: ref.name, task: 'classification', x: { shape: ['B', 2], dtype: 'float32' }, y: { shape: ['B'], dtype: 'int32' }, numClasses: 2 },
  problems: [],
});
