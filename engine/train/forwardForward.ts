import { tf } from '../tf.js';
import type { CompiledModel, CompiledNode } from '../compile/compile.js';
import type { DataSplit, LoadedDataset } from '../data/spec.js';
import { batchIterator } from '../data/batches.js';
import type { TrainingConfig } from '../graph/schema.js';
import { createRng, hashSeed } from '../util/hash.js';
import { createOptimizer } from './optimizers.js';
import type { MetricValues } from './events.js';
import type { TrainHooks, TrainOutcome, TrainerState } from './trainer.js';

/** Goodness threshold θ on the mean squared activity of a layer (as in common FF code). */
const DEFAULT_THRESHOLD = 2;
/** Train-split examples scored after each epoch (scoring tries every label, so it is not cheap). */
const TRAIN_EVAL_LIMIT = 2000;

interface FFLayer {
  linear: CompiledNode;
  activation: CompiledNode | null;
}

/**
 * Hinton's Forward-Forward (2022): each layer learns on its own to give high goodness
 * (mean squared activity above θ) to positive data (an image with its true label
 * written into the first pixels) and low goodness to negative data (a wrong label).
 * No gradient crosses layers: each layer's input is a constant, length-normalised copy
 * of the previous layer's output, so only its orientation is handed on (see `normalise`).
 * A test image is classified by writing each label in turn and picking the label with
 * the highest goodness accumulated over the layers: all but the first when there are
 * three or more (as Hinton does with his four), all of them when there are one or two
 * (leaving the first out of two would leave a single layer, nothing accumulated, and
 * that layer is the one that learns last).
 *
 * Negative labels are hard negatives, as in the paper: each example's wrong label is
 * drawn in proportion to softmax(goodness) over the wrong labels, the network's own
 * current belief in them, so it trains on the confusions it actually makes (at the
 * start, when all labels score alike, this is a uniformly random wrong label).
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
  const stepsAtStart = state.step;
  const rng = createRng(hashSeed(seed, 'ff-negatives', state.step));
  const labels = { classes, labelPixels };
  let final: TrainOutcome['final'] = null;

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
        const wrong = hardNegatives(layers, batch.x, batch.y, labels, rng);
        let pos = tf.tidy(() => embedLabel(batch.x, batch.y, classes, labelPixels));
        let neg = tf.tidy(() => embedLabel(batch.x, wrong, classes, labelPixels));
        let lossSum = 0;
        for (const layer of layers) {
          const vars = Object.values(layer.linear.vars);
          // The layer's outputs of this pass become (normalised) the next layer's input:
          // the next layer learns on what this one produced before its update, as when all
          // layers train from one forward pass; no gradient crosses (they are constants).
          let outPos: tf.Tensor | null = null;
          let outNeg: tf.Tensor | null = null;
          const { value, grads } = tf.variableGrads(() => {
            const hPos = layerForward(layer, pos);
            const hNeg = layerForward(layer, neg);
            outPos = tf.keep(hPos);
            outNeg = tf.keep(hNeg);
            return layerLoss(hPos, hNeg, threshold);
          }, vars);
          lossSum += (await value.data())[0];
          const named: Record<string, tf.Tensor> = {};
          for (const [name, v] of model.variables) if (grads[v.name]) named[name] = grads[v.name];
          optimizer.applyGradients(model.variables, named);
          const nextPos = tf.tidy(() => normalise(outPos!));
          const nextNeg = tf.tidy(() => normalise(outNeg!));
          tf.dispose([value, ...Object.values(grads), pos, neg, outPos!, outNeg!]);
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
        const done = state.step - stepsAtStart;
        hooks.onEvent({ event: 'step', step: state.step, epoch: state.epoch + 1, loss: lossSum / layers.length, metrics: {}, elapsedMs, etaMs: Math.round((elapsedMs / done) * (totalSteps - state.step)) });
      }
      if (hooks.signal?.aborted) break;
      state.epoch++;
      final = {
        train: evaluateFF(layers, data.train, data, labels, threshold, hooks.trainEvalLimit ?? TRAIN_EVAL_LIMIT),
        test: evaluateFF(layers, data.test, data, labels, threshold),
      };
      const epochEvent = { event: 'epoch' as const, epoch: state.epoch, step: state.step, ...final, elapsedMs: Date.now() - started };
      state.history.push(epochEvent);
      hooks.onEvent(epochEvent);
      await hooks.onEpochEnd?.(state, optimizer);
    }
    return { state, stopped: Boolean(hooks.signal?.aborted), final, failed: false };
  } finally {
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

function runNode(node: CompiledNode, input: tf.Tensor): tf.Tensor {
  return node.kind.forward({
    nodeId: node.id, params: node.params, inputs: { in: input }, inputTypes: node.inputTypes, vars: node.vars,
    training: true, seed: 0, feed: {}, addAuxLoss: () => {}, addMetric: () => {}, record: () => {},
  }).out;
}

function activate(layer: FFLayer, z: tf.Tensor): tf.Tensor {
  return layer.activation ? runNode(layer.activation, z) : tf.relu(z);
}

function layerForward(layer: FFLayer, x: tf.Tensor): tf.Tensor {
  return activate(layer, runNode(layer.linear, x));
}

/** Mean squared activity per example. */
function goodness(h: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(h), -1);
}

/** softplus(θ − g⁺) + softplus(g⁻ − θ): positive goodness above θ, negative below. */
function layerLoss(hPos: tf.Tensor, hNeg: tf.Tensor, threshold: number): tf.Scalar {
  return tf.mean(tf.concat([tf.softplus(tf.sub(threshold, goodness(hPos))), tf.softplus(tf.sub(goodness(hNeg), threshold))])) as tf.Scalar;
}

/**
 * Keeps the orientation, drops the length (Hinton's layer normalisation between layers).
 * The vector is scaled to length √n (root mean square 1) rather than 1: only its direction
 * is handed on either way, but at unit length each of n inputs is ~1/√n and the next
 * layer's pre-activations, goodness and weight updates all start √n times too small (its
 * goodness far below θ, its learning far behind the first layer's). At RMS 1 the next
 * layer sees inputs at the scale of the first layer's.
 */
export function normalise(h: tf.Tensor): tf.Tensor {
  const n = h.shape[h.rank - 1] as number;
  return tf.div(h, tf.add(tf.div(tf.norm(h, 'euclidean', -1, true), Math.sqrt(n)), 1e-4));
}

/** Flattens the images and writes the one-hot label into the first pixels. */
export function embedLabel(x: tf.Tensor, labels: tf.Tensor, classes: number, labelPixels: number): tf.Tensor {
  const flat = tf.reshape(x, [x.shape[0], -1]);
  const width = flat.shape[1] as number;
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), classes).toFloat();
  const labelPart = labelPixels === classes ? oneHot : tf.slice(tf.concat([oneHot, tf.zeros([x.shape[0], Math.max(0, labelPixels - classes)])], 1), [0, 0], [-1, labelPixels]);
  return tf.concat([labelPart, tf.slice(flat, [0, labelPixels], [-1, width - labelPixels])], 1);
}

/** Whether the first layer's goodness counts towards the score (see trainForwardForward). */
export function countsFirstLayer(layers: readonly unknown[]): boolean {
  return layers.length <= 2;
}

/**
 * Accumulated goodness of every label for every example, [B, classes]: the score the
 * network classifies by. Same numbers as embedding each label in turn and running the
 * layers, but the first layer is affine, so its pre-activation for label l is
 * Linear(x with a blank label) + (Linear(label l alone) − Linear(nothing)): one matMul
 * over the images instead of one per label.
 */
export function labelScores(layers: FFLayer[], x: tf.Tensor, classes: number, labelPixels: number): tf.Tensor2D {
  return tf.tidy(() => {
    const b = x.shape[0];
    const flat = tf.reshape(x, [b, -1]);
    const width = flat.shape[1] as number;
    const images = tf.concat([tf.zeros([b, labelPixels]), tf.slice(flat, [0, labelPixels], [-1, width - labelPixels])], 1); // label pixels blank
    const eachLabel = embedLabel(tf.zeros([classes, width]), tf.range(0, classes, 1, 'int32'), classes, labelPixels);
    const first = layers[0].linear;
    const shift = tf.sub(runNode(first, eachLabel), runNode(first, tf.zeros([1, width]))); // [classes, units]
    const z = tf.add(tf.expandDims(runNode(first, images), 1), tf.expandDims(shift, 0)); // [B, classes, units]
    let h = activate(layers[0], tf.reshape(z, [b * classes, -1]));
    let total: tf.Tensor = countsFirstLayer(layers) ? goodness(h) : tf.zeros([b * classes]);
    for (let i = 1; i < layers.length; i++) {
      h = layerForward(layers[i], normalise(h));
      total = tf.add(total, goodness(h));
    }
    return tf.reshape(total, [b, classes]) as tf.Tensor2D;
  });
}

function hardNegatives(layers: FFLayer[], x: tf.Tensor, y: tf.Tensor, labels: { classes: number; labelPixels: number }, rng: () => number): tf.Tensor {
  const scores = labelScores(layers, x, labels.classes, labels.labelPixels);
  const s = scores.dataSync();
  scores.dispose();
  return tf.tensor1d(drawHardNegatives(s, y.dataSync(), labels.classes, rng), 'int32');
}

/**
 * A wrong label per example, drawn with probability ∝ exp(score) over the wrong labels
 * (the hard negatives of the paper: the labels the network currently confuses).
 * `scores` is [examples, classes] row by row; never returns an example's true label.
 */
export function drawHardNegatives(scores: ArrayLike<number>, truth: ArrayLike<number>, classes: number, rng: () => number): Int32Array {
  const out = new Int32Array(truth.length);
  const weights = new Float64Array(classes);
  for (let i = 0; i < truth.length; i++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) if (c !== truth[i]) max = Math.max(max, scores[i * classes + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += weights[c] = c === truth[i] ? 0 : Math.exp(scores[i * classes + c] - max);
    let r = rng() * sum;
    let pick = (truth[i] + 1) % classes;
    for (let c = 0; c < classes; c++) {
      if (weights[c] === 0) continue;
      pick = c;
      r -= weights[c];
      if (r <= 0) break;
    }
    out[i] = pick;
  }
  return out;
}

/** Accuracy by accumulated goodness over all labels, and the first layer's FF loss with true/next labels. */
function evaluateFF(layers: FFLayer[], split: DataSplit, data: LoadedDataset, labels: { classes: number; labelPixels: number }, threshold: number, limit?: number): MetricValues {
  const { classes, labelPixels } = labels;
  const total = Math.min(split.count, limit ?? split.count);
  let correct = 0;
  let lossSum = 0;
  let seen = 0;
  for (const batch of batchIterator(split, data.spec, 500, { shuffle: false, seed: 0, epoch: 0 })) {
    if (seen >= total) {
      tf.dispose([batch.x, batch.y]);
      break;
    }
    const [predicted, loss] = tf.tidy(() => {
      const wrong = tf.mod(tf.add(batch.y, 1), classes);
      const first = layers[0];
      const l = layerLoss(layerForward(first, embedLabel(batch.x, batch.y, classes, labelPixels)), layerForward(first, embedLabel(batch.x, wrong, classes, labelPixels)), threshold);
      return [tf.argMax(labelScores(layers, batch.x, classes, labelPixels), 1), l];
    });
    const p = predicted.dataSync();
    const y = batch.y.dataSync();
    const n = Math.min(batch.size, total - seen);
    for (let i = 0; i < n; i++) if (p[i] === y[i]) correct++;
    lossSum += loss.dataSync()[0] * n;
    seen += n;
    tf.dispose([predicted, loss, batch.x, batch.y]);
  }
  return { loss: lossSum / Math.max(1, seen), accuracy: correct / Math.max(1, seen) };
}
