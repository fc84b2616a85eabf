import type { GraphEdge, GraphNode } from '../../../engine/graph/schema.js';

export interface StarterOptions {
  /** Pictures [B, H, W, C] are flattened before the first Linear layer. */
  images: boolean;
  task: 'classification' | 'regression';
  /** Classification: the number of classes (units of the last layer). */
  classes: number;
}

/**
 * A small network that trains on the imported data as it is, for an empty canvas:
 * Input → (Flatten) → Linear → ReLU → Linear → CrossEntropy (or MSE for regression).
 */
export function starterNetwork({ images, task, classes }: StarterOptions): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const chain: GraphNode[] = [
    { id: 'input1', type: 'Input' },
    ...(images ? [{ id: 'flatten1', type: 'Flatten' }] : []),
    { id: 'linear1', type: 'Linear', params: { units: images ? 128 : 64 } },
    { id: 'relu1', type: 'ReLU' },
    { id: 'linear2', type: 'Linear', params: { units: task === 'regression' ? 1 : classes } },
  ];
  const loss: GraphNode = task === 'regression' ? { id: 'mse1', type: 'MSE' } : { id: 'crossentropy1', type: 'CrossEntropy' };
  const nodes = [...chain, loss].map((n, i) => ({ ...n, position: { x: 80 + i * 200, y: i === chain.length ? 260 : 220 } }));
  const edges: GraphEdge[] = [];
  for (let i = 1; i < chain.length; i++) edges.push({ source: chain[i - 1].id, sourcePort: i === 1 ? 'x' : 'out', target: chain[i].id, targetPort: 'in' });
  const [predPort, targetPort] = task === 'regression' ? ['pred', 'target'] : ['logits', 'labels'];
  edges.push({ source: chain[chain.length - 1].id, sourcePort: 'out', target: loss.id, targetPort: predPort });
  edges.push({ source: 'input1', sourcePort: 'y', target: loss.id, targetPort });
  return { nodes, edges };
}
