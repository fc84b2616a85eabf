import type { Graph } from '../engine/graph/schema.js';

/**
 * A generated graph of about `size` nodes: residual blocks Linear → ReLU → Linear → Add,
 * laid out on a grid, for the editor-at-scale targets (inference and compile < 50 ms).
 */
export function largeGraph(size: number): Graph {
  const nodes: Graph['nodes'] = [{ id: 'in', type: 'Input', position: { x: 0, y: 0 } }, { id: 'stem', type: 'Linear', params: { units: 16 }, position: { x: 200, y: 0 } }];
  const edges: Graph['edges'] = [{ source: 'in', sourcePort: 'x', target: 'stem' }];
  let last = 'stem';
  let block = 0;
  while (nodes.length + 4 + 2 <= size) {
    const ids = ['a', 'r', 'b', 'add'].map((p) => `${p}${block}`);
    const [a, r, b, add] = ids;
    const x = 400 + (block % 25) * 200;
    const y = Math.floor(block / 25) * 400;
    nodes.push(
      { id: a, type: 'Linear', params: { units: 16 }, position: { x, y } },
      { id: r, type: 'ReLU', position: { x, y: y + 100 } },
      { id: b, type: 'Linear', params: { units: 16 }, position: { x, y: y + 200 } },
      { id: add, type: 'Add', position: { x, y: y + 300 } },
    );
    edges.push(
      { source: last, target: a },
      { source: a, target: r },
      { source: r, target: b },
      { source: b, target: add, targetPort: 'a' },
      { source: last, target: add, targetPort: 'b' },
    );
    last = add;
    block++;
  }
  nodes.push({ id: 'out', type: 'Linear', params: { units: 2 } }, { id: 'loss', type: 'CrossEntropy' });
  edges.push({ source: last, target: 'out' }, { source: 'out', target: 'loss', targetPort: 'logits' }, { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' });
  return { format: 'tensorloom.graph', version: 1, dataset: { name: 'spirals' }, nodes, edges, training: { optimizer: { type: 'adam', learningRate: 0.01 }, batchSize: 64, epochs: 1, seed: 1 } };
}
