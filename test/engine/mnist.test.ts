import { describe, expect, it } from 'vitest';
import { trainGraph } from '../../engine/run/trainGraph.js';
import type { Graph } from '../../engine/graph/schema.js';
import type { TrainEvent } from '../../engine/train/events.js';

/** The softmax-regression article: Flatten → Linear(10) → softmax cross-entropy, Adam. */
const softmaxRegression: Graph = {
  format: 'tensorloom.graph',
  version: 1,
  dataset: { name: 'mnist' },
  nodes: [
    { id: 'in', type: 'Input' },
    { id: 'flat', type: 'Flatten' },
    { id: 'out', type: 'Linear', params: { units: 10 } },
    { id: 'loss', type: 'CrossEntropy' },
  ],
  edges: [
    { source: 'in', sourcePort: 'x', target: 'flat' },
    { source: 'flat', target: 'out' },
    { source: 'out', target: 'loss', targetPort: 'logits' },
    { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
  ],
  training: { optimizer: { type: 'adam', learningRate: 0.001 }, batchSize: 128, epochs: 5, seed: 1 },
};

describe('MNIST softmax regression', () => {
  it('reaches at least 92% test accuracy on the full 60k/10k split', async () => {
    let done: Extract<TrainEvent, { event: 'done' }> | undefined;
    let start: Extract<TrainEvent, { event: 'start' }> | undefined;
    await trainGraph(softmaxRegression, {
      backend: 'wasm',
      onEvent: (e) => {
        if (e.event === 'done') done = e;
        if (e.event === 'start') start = e;
        if (e.event === 'error') throw new Error(e.message);
      },
    });
    expect(start!.stepsPerEpoch).toBe(Math.ceil(60000 / 128));
    expect(done!.metrics.testAccuracy).toBeGreaterThanOrEqual(0.92);
  });
});
