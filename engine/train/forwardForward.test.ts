import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend/select.js';
import type { CompiledModel } from '../compile/compile.js';
import type { Graph } from '../graph/schema.js';
import { trainGraph } from '../run/trainGraph.js';
import { createRng } from '../util/hash.js';
import type { TrainEvent } from './events.js';
import { drawHardNegatives, embedLabel, findLayers, labelScores } from './forwardForward.js';

function ffGraph(units: number[], epochs: number, trainSamples: number): Graph {
  const nodes: Graph['nodes'] = [{ id: 'in', type: 'Input' }, { id: 'flat', type: 'Flatten' }];
  const edges: Graph['edges'] = [{ source: 'in', sourcePort: 'x', target: 'flat' }];
  let prev = 'flat';
  units.forEach((u, i) => {
    nodes.push({ id: `fc${i}`, type: 'Linear', params: { units: u } }, { id: `relu${i}`, type: 'ReLU' });
    edges.push({ source: prev, target: `fc${i}` }, { source: `fc${i}`, target: `relu${i}` });
    prev = `relu${i}`;
  });
  return {
    format: 'tensorloom.graph',
    version: 1,
    dataset: { name: 'mnist', params: { trainSamples, testSamples: 500 } },
    nodes,
    edges,
    training: { method: 'forward-forward', optimizer: { type: 'adam', learningRate: 0.01 }, batchSize: 50, epochs, seed: 1 },
  };
}

async function train(graph: Graph, onModel?: (model: CompiledModel) => void) {
  const events: TrainEvent[] = [];
  await trainGraph(graph, { backend: 'wasm', onEvent: (e) => events.push(e), onModel });
  const done = events.find((e): e is Extract<TrainEvent, { event: 'done' }> => e.event === 'done');
  const error = events.find((e) => e.event === 'error');
  return { done, error, events };
}

describe('Forward-Forward', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('learns MNIST digits from layer-local goodness alone', async () => {
    const { done, error } = await train(ffGraph([200, 200], 2, 3000));
    expect(error).toBeUndefined();
    // Chance is 0.1; a few hundred steps of FF on 3,000 digits already classify most test digits.
    expect(done!.metrics.testAccuracy).toBeGreaterThan(0.75);
  }, 60_000);

  it('scores each label as if it were written into the image and run through every layer but the first', async () => {
    let naive: Float32Array | null = null;
    let fast: Float32Array | null = null;
    await train(ffGraph([30, 20], 1, 100), (model) => {
      const layers = findLayers(model);
      const x = tf.randomUniform([7, 28, 28], 0, 1, 'float32', 5);
      fast = labelScores(layers, x, 10, 10).dataSync() as Float32Array;
      naive = tf.tidy(() => {
        const perLabel = Array.from({ length: 10 }, (_, label) => {
          const input = embedLabel(x, tf.fill([7], label, 'int32'), 10, 10);
          const run = (node: (typeof layers)[number]['linear'], v: tf.Tensor) =>
            node.kind.forward({ nodeId: node.id, params: node.params, inputs: { in: v }, inputTypes: node.inputTypes, vars: node.vars, training: false, seed: 0, feed: {}, addAuxLoss: () => {}, addMetric: () => {}, record: () => {} }).out;
          const h1 = tf.relu(run(layers[0].linear, input));
          const h1n = tf.div(h1, tf.add(tf.norm(h1, 'euclidean', -1, true), 1e-4));
          return tf.mean(tf.square(tf.relu(run(layers[1].linear, h1n))), -1); // layer 2 only: the first is left out when deep
        });
        return tf.stack(perLabel, 1).dataSync() as Float32Array;
      });
      x.dispose();
    });
    expect(fast!.length).toBe(70);
    fast!.forEach((v, i) => expect(v).toBeCloseTo(naive![i], 5));
  }, 30_000);

  it('draws hard negatives in proportion to exp(score) over the wrong labels, never the true one', () => {
    const rng = createRng(7);
    const n = 20000;
    // Label 1 scores ln 3 above labels 2 and 3; label 0 is the truth and scores highest.
    const scores = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) scores.set([5, Math.log(3), 0, 0], i * 4);
    const picks = drawHardNegatives(scores, new Int32Array(n), 4, rng);
    const share = [0, 0, 0, 0];
    for (const p of picks) share[p] += 1 / n;
    expect(share[0]).toBe(0);
    expect(share[1]).toBeCloseTo(3 / 5, 1);
    expect(share[2]).toBeCloseTo(1 / 5, 1);
    expect(share[3]).toBeCloseTo(1 / 5, 1);
  });

  it('refuses a graph without Linear layers, naming what it needs', async () => {
    const graph = ffGraph([], 1, 100);
    graph.nodes.push({ id: 'relu', type: 'ReLU' });
    graph.edges.push({ source: 'flat', target: 'relu' });
    const { error } = await train(graph);
    expect(error).toBeDefined();
    expect((error as { message: string }).message).toContain('Forward-Forward needs at least one Linear layer');
  });
});
