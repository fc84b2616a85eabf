import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../backend/select.js';
import type { CompiledModel } from '../compile/compile.js';
import type { Graph } from '../graph/schema.js';
import { trainGraph } from '../run/trainGraph.js';
import { createRng } from '../util/hash.js';
import type { TrainEvent } from './events.js';
import { drawHardNegatives, embedLabel, findLayers, labelScores, normalise } from './forwardForward.js';

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
    const graph = ffGraph([128, 128], 4, 3000);
    graph.training!.batchSize = 25;
    const { done, error } = await train(graph);
    expect(error).toBeUndefined();
    // Chance is 0.1; a few hundred steps of FF on 3,000 digits already classify most test digits.
    expect(done!.metrics.testAccuracy).toBeGreaterThan(0.75);
  }, 60_000);

  /** Goodness of every label by brute force: write it into the image, run every layer, add up the counted ones. */
  function bruteForceScores(model: CompiledModel, x: tf.Tensor, countFirst: boolean): Float32Array {
    const layers = findLayers(model);
    return tf.tidy(() => {
      const perLabel = Array.from({ length: 10 }, (_, label) => {
        let h = embedLabel(x, tf.fill([x.shape[0]], label, 'int32'), 10, 10);
        let total: tf.Tensor = tf.zeros([x.shape[0]]);
        layers.forEach(({ linear }, i) => {
          if (i > 0) h = tf.div(h, tf.add(tf.div(tf.norm(h, 'euclidean', -1, true), Math.sqrt(h.shape[1] as number)), 1e-4)); // RMS 1
          h = tf.relu(linear.kind.forward({ nodeId: linear.id, params: linear.params, inputs: { in: h }, inputTypes: linear.inputTypes, vars: linear.vars, training: false, seed: 0, feed: {}, addAuxLoss: () => {}, addMetric: () => {}, record: () => {} }).out);
          if (i > 0 || countFirst) total = tf.add(total, tf.mean(tf.square(h), -1));
        });
        return total;
      });
      return tf.stack(perLabel, 1).dataSync() as Float32Array;
    });
  }

  it('scores each label as if it were written into the image: all layers of two, all but the first of three', async () => {
    for (const [units, countFirst] of [[[30, 20], true], [[30, 20, 20], false]] as const) {
      let naive: Float32Array | null = null;
      let fast: Float32Array | null = null;
      await train(ffGraph([...units], 1, 100), (model) => {
        const x = tf.randomUniform([7, 28, 28], 0, 1, 'float32', 5);
        fast = labelScores(findLayers(model), x, 10, 10).dataSync() as Float32Array;
        naive = bruteForceScores(model, x, countFirst);
        x.dispose();
      });
      expect(fast!.length).toBe(70);
      fast!.forEach((v, i) => expect(v).toBeCloseTo(naive![i], 5));
    }
  }, 30_000);

  it('hands the next layer only the direction of an activity vector, at root-mean-square 1', () => {
    const h = tf.tensor2d([[3, 0, 4, 0], [0.1, 0.2, 0.2, 0]]);
    const out = normalise(h).arraySync() as number[][];
    h.dispose();
    // |(3,0,4,0)| = 5 → ×2/5; |(0.1,0.2,0.2,0)| = 0.3 → ×2/0.3: both end at length √4 = 2.
    [[1.2, 0, 1.6, 0], [2 / 3, 4 / 3, 4 / 3, 0]].forEach((row, i) => row.forEach((v, j) => expect(out[i][j]).toBeCloseTo(v, 2)));
  });

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
