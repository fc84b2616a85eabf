import { tf } from '../tf.js';
import type { CompiledModel, CompiledNode } from '../compile/compile.js';
import type { DataSplit, LoadedDataset } from '../data/spec.js';
import { batchIterator } from '../data/batches.js';
import type { TrainingConfig } from '../graph/schema.js';
import { createRng, hashSeed } from '../util/hash.js';
import { createOptimizer } from './optimizers.js';
import type { MetricValues } from './events.js';
import { createYielder, reportEpoch, type TrainHooks, type TrainOutcome, type TrainerState } from './trainer.js';

/** Goodness threshold θ on the mean squared activity of a layer (as in common FF code). */
const DEFAULT_THRESHOLD = 2;

interface FFLayer {
  linear: CompiledNode;
  activation: CompiledNode | null;
}

/**
 * Hinton's Forward-Forward (2022): each layer learns on its own to give high goodness
 * (mean squared activity above θ) to positive data (an image with its true label
 * written into the first pixels) and low goodness to negative data (a wrong label).
 * No gradient crosses layers: each layer's input is a constant, length-normalised copy
 * of the previous layer's output, so only its orientation is handed on.
 * A test image is classified by writing each label in turn and picking the label with
 * the highest goodness accumulated over the layers (all but the first when deep).
 */
export async function trainForwardForward(model: CompiledModel, data: LoadedDataset, config: TrainingConfig, hooks: TrainHooks): Promise<TrainOutcome> {
  const layers = findLayers(model);
  const classes = data.spec.numClasses ?? 0;
  const threshold = config.forwardForward?.threshold ?? DEFAULT_THRESHOLD;
  const labelPixels = config.forwardForward?.labelPixels ?? classes;
  if (classes < 2) throw new Error('Forward-Forward needs a classification dataset');
  const optimizer = createOptimizer(config.optimizer);
  const state: TrainerState = hooks.resume?.state ?? { step: 0, epoch: 0, history: [] };
  if (hooks.resume) optimizer.setState(hooks.resume.optimizerState);
  const seed = config.seed ?? 1;
  const fullSteps = Math.ceil(data.train.count / config.batchSize);
  const stepsPerEpoch = Math.min(fullSteps, config.stepsPerEpoch ?? fullSteps);
  const totalSteps = stepsPerEpoch * config.epochs;
  const started = Date.now();
  const rng = createRng(hashSeed(seed, 'ff-negatives', state.step));
  const embed = (x: tf.Tensor, labels: tf.Tensor) => embedLabel(x, labels, classes, labelPixels);
  let final: TrainOutcome['final'] = null;
  const yieldToEventLoop = createYielder();

  hooks.onEvent({ event: 'start', backend: hooks.backend, parameters: model.parameterCount, epochs: config.epochs, stepsPerEpoch, totalSteps, fromStep: state.step });
  try {
    while (state.epoch < config.epochs && !hooks.signal?.aborted) {
      let stepInEpoch = 0;
      for (const batch of batchIterator(data.train, data.spec, config.batchSize, { shuffle: true, seed: hashSeed(seed, 'shuffle'), epoch: state.epoch })) {
        if (stepInEpoch >= stepsPerEpoch || hooks.signal?.aborted) {
          batch.x.dispose();
          batch.y.dispose();
          break;
        }
        stepInEpoch++;
        const wrong = wrongLabels(batch.y, classes, rng);
        let pos = tf.tidy(() => embed(batch.x, batch.y));
        let neg = tf.tidy(() => embed(batch.x, wrong));
        let lossSum = 0;
        for (const layer of layers) {
          const vars = Object.values(layer.linear.vars);
          const { value, grads } = tf.variableGrads(() => layerLoss(layer, pos, neg, threshold), vars);
          lossSum += (await value.data())[0];
          const named: Record<string, tf.Tensor> = {};
          for (const [name, v] of model.variables) if (grads[v.name]) named[name] = grads[v.name];
          optimizer.applyGradients(model.variables, named);
          // Hand the next layer a constant copy: no gradient crosses layers.
          const nextPos = tf.tidy(() => normalise(layerForward(layer, pos)));
          const nextNeg = tf.tidy(() => normalise(layerForward(layer, neg)));
          tf.dispose([value, ...Object.values(grads), pos, neg]);
          pos = nextPos;
          neg = nextNeg;
        }
        tf.dispose([pos, neg, batch.x, batch.y, wrong]);
        if (!Number.isFinite(lossSum)) {
          hooks.onEvent({ event: 'error', code: 'nan', step: state.step + 1, message: `training stopped at step ${state.step + 1}: the Forward-Forward loss became non-finite; lower the learning rate` });
          return { state, stopped: true, final, failed: true };
        }
        state.step++;
        const elapsedMs = Date.now() - started;
        hooks.onEvent({ event: 'step', step: state.step, epoch: state.epoch + 1, loss: lossSum / layers.length, metrics: {}, elapsedMs, etaMs: Math.round((elapsedMs / state.step) * (totalSteps - state.step)) });
        await yieldToEventLoop();
      }
      if (hooks.signal?.aborted) break;
      state.epoch++;
      final = {
        train: evaluateFF(layers, data.train, data, embed, threshold, 5000),
        test: evaluateFF(layers, data.test, data, embed, threshold),
      };
      reportEpoch(state, final, started, hooks);
      await hooks.onEpochEnd?.(state, optimizer);
    }
    return { state, stopped: Boolean(hooks.signal?.aborted), final, failed: false };
  } finally {
    hooks.onFinish?.(state, optimizer);
    optimizer.dispose();
  }
}

/** The Linear(+activation) pairs of a chain Input → [Flatten] → (Linear → act)+, in order. */
export function findLayers(model: CompiledModel): FFLayer[] {
  const layers: FFLayer[] = [];
  for (const node of model.nodes) {
    if (node.type !== 'Linear') continue;
    const activation = model.nodes.find((n) => n.inputs.in?.source === node.id && n.kind.group === 'Activations') ?? null;
    layers.push({ linear: node, activation });
  }
  if (layers.length === 0) throw new Error('Forward-Forward needs at least one Linear layer (Input → Flatten → Linear → ReLU …)');
  return layers;
}

function layerForward(layer: FFLayer, x: tf.Tensor): tf.Tensor {
  const run = (node: CompiledNode, input: tf.Tensor) =>
    node.kind.forward({
      nodeId: node.id, params: node.params, inputs: { in: input }, inputTypes: node.inputTypes, vars: node.vars,
      training: true, seed: 0, feed: {}, addAuxLoss: () => {}, addMetric: () => {}, record: () => {},
    }).out;
  const z = run(layer.linear, x);
  return layer.activation ? run(layer.activation, z) : tf.relu(z);
}

/** Mean squared activity per example. */
function goodness(h: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(h), -1);
}

/** softplus(θ − g⁺) + softplus(g⁻ − θ): positive goodness above θ, negative below. */
function layerLoss(layer: FFLayer, pos: tf.Tensor, neg: tf.Tensor, threshold: number): tf.Scalar {
  const gPos = goodness(layerForward(layer, pos));
  const gNeg = goodness(layerForward(layer, neg));
  return tf.mean(tf.concat([tf.softplus(tf.sub(threshold, gPos)), tf.softplus(tf.sub(gNeg, threshold))])) as tf.Scalar;
}

/** Keeps the orientation, drops the length (Hinton's layer normalisation between layers). */
function normalise(h: tf.Tensor): tf.Tensor {
  return tf.div(h, tf.add(tf.norm(h, 'euclidean', -1, true), 1e-4));
}

/** Flattens the images and writes the one-hot label into the first pixels. */
export function embedLabel(x: tf.Tensor, labels: tf.Tensor, classes: number, labelPixels: number): tf.Tensor {
  const flat = tf.reshape(x, [x.shape[0], -1]);
  const width = flat.shape[1] as number;
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), classes).toFloat();
  const labelPart = labelPixels === classes ? oneHot : tf.slice(tf.concat([oneHot, tf.zeros([x.shape[0], Math.max(0, labelPixels - classes)])], 1), [0, 0], [-1, labelPixels]);
  return tf.concat([labelPart, tf.slice(flat, [0, labelPixels], [-1, width - labelPixels])], 1);
}

function wrongLabels(labels: tf.Tensor, classes: number, rng: () => number): tf.Tensor {
  const y = labels.dataSync();
  const out = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (y[i] + 1 + Math.floor(rng() * (classes - 1))) % classes;
  return tf.tensor1d(out, 'int32');
}

/** Accuracy by accumulated goodness over all labels, and the FF loss with true/next labels. */
function evaluateFF(layers: FFLayer[], split: DataSplit, data: LoadedDataset, embed: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor, threshold: number, limit?: number): MetricValues {
  const classes = data.spec.numClasses!;
  const total = Math.min(split.count, limit ?? split.count);
  let correct = 0;
  let lossSum = 0;
  let seen = 0;
  for (const batch of batchIterator(split, data.spec, 1000, { shuffle: false, seed: 0, epoch: 0 })) {
    if (seen >= total) {
      tf.dispose([batch.x, batch.y]);
      break;
    }
    const [predicted, loss] = tf.tidy(() => {
      const scores: tf.Tensor[] = [];
      for (let label = 0; label < classes; label++) {
        let h = embed(batch.x, tf.fill([batch.size], label, 'int32'));
        let total: tf.Tensor = tf.zeros([batch.size]);
        layers.forEach((layer, i) => {
          const out = layerForward(layer, h);
          if (layers.length === 1 || i > 0) total = tf.add(total, goodness(out));
          h = normalise(out);
        });
        scores.push(total);
      }
      const wrong = tf.tensor1d(Array.from(batch.y.dataSync(), (v) => (v + 1) % classes), 'int32');
      const l = layerLoss(layers[0], embed(batch.x, batch.y), embed(batch.x, wrong), threshold);
      return [tf.argMax(tf.stack(scores, 1), 1), l];
    });
    const p = predicted.dataSync();
    const y = batch.y.dataSync();
    for (let i = 0; i < batch.size; i++) if (p[i] === y[i]) correct++;
    lossSum += loss.dataSync()[0] * batch.size;
    seen += batch.size;
    tf.dispose([predicted, loss, batch.x, batch.y]);
  }
  return { loss: lossSum / Math.max(1, seen), accuracy: correct / Math.max(1, seen) };
}
