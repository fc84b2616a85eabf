import { tf } from '../tf.js';
import type { CompiledModel } from '../compile/compile.js';
import type { LoadedDataset } from '../data/spec.js';
import { batchIterator } from '../data/batches.js';
import type { TrainingConfig } from '../graph/schema.js';
import { hashSeed } from '../util/hash.js';
import { createOptimizer, type Optimizer } from './optimizers.js';
import { evaluate } from './evaluate.js';
import type { MetricValues, TrainEvent } from './events.js';
import { findFirstNonFinite, findNonFiniteGradient } from './nanTrace.js';
import { fusedGlobalNorm } from '../backend/fused.js';

export interface TrainerState {
  step: number;
  epoch: number;
  history: Extract<TrainEvent, { event: 'epoch' }>[];
}

export interface TrainHooks {
  onEvent(event: TrainEvent): void;
  signal?: AbortSignal;
  backend: string;
  /** Called after each epoch with the state to checkpoint; awaited before training goes on. */
  onEpochEnd?(state: TrainerState, optimizer: Optimizer): Promise<void>;
  /** Continue a stopped run: weights must already be loaded into the model. */
  resume?: { state: TrainerState; optimizerState: Record<string, tf.Tensor> };
  /** Evaluate the train split on at most this many samples per epoch. */
  trainEvalLimit?: number;
  /** Called once when training ends (done, stopped or failed), before the optimizer is disposed. */
  onFinish?(state: TrainerState, optimizer: Optimizer): void;
}

const YIELD_EVERY_MS = 50;

/**
 * Lets the event loop run (a stop request, a signal, a message to the worker) at most
 * every 50 ms: a training loop that only awaits resolved promises never gives it a turn.
 */
export function createYielder(): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < YIELD_EVERY_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = Date.now();
  };
}

export interface TrainOutcome {
  state: TrainerState;
  stopped: boolean;
  final: { train: MetricValues; test: MetricValues } | null;
  failed: boolean;
}

/**
 * Mini-batch training with backpropagation, optionally wrapped in SAM. Stops cleanly
 * on abort or on a non-finite loss or gradient, leaving the last good weights in place.
 */
export async function trainModel(model: CompiledModel, data: LoadedDataset, config: TrainingConfig, hooks: TrainHooks): Promise<TrainOutcome> {
  const seed = config.seed ?? 1;
  const optimizer = createOptimizer(config.optimizer);
  if (hooks.resume) optimizer.setState(hooks.resume.optimizerState);
  const state: TrainerState = hooks.resume?.state ?? { step: 0, epoch: 0, history: [] };
  const fullSteps = Math.ceil(data.train.count / config.batchSize);
  const stepsPerEpoch = Math.min(fullSteps, config.stepsPerEpoch ?? fullSteps);
  const totalSteps = stepsPerEpoch * config.epochs;
  const evalEvery = config.evalEvery ?? 1;
  const varNames = new Map([...model.variables].map(([name, v]) => [v.name, name]));
  const started = Date.now();
  const stepsAtStart = state.step;
  let final: TrainOutcome['final'] = null;
  const yieldToEventLoop = createYielder();

  hooks.onEvent({ event: 'start', backend: hooks.backend, parameters: model.parameterCount, epochs: config.epochs, stepsPerEpoch, totalSteps, fromStep: state.step });

  const gradients = (feed: Record<string, tf.Tensor>, step: number) => {
    const kept: { metrics: Record<string, tf.Scalar>; records: Record<string, Record<string, tf.Tensor>> } = { metrics: {}, records: {} };
    const { value, grads } = tf.variableGrads(() => {
      const r = model.forward(feed, { training: true, step });
      if (!r.loss) throw new Error('the graph has no loss to minimise');
      kept.metrics = Object.fromEntries(Object.entries(r.metrics).map(([k, t]) => [k, tf.keep(t)]));
      kept.records = Object.fromEntries(Object.entries(r.records).map(([id, rec]) => [id, Object.fromEntries(Object.entries(rec).map(([k, t]) => [k, tf.keep(t)]))]));
      return r.loss;
    }, [...model.variables.values()]);
    const named: Record<string, tf.Tensor> = {};
    for (const [tfName, g] of Object.entries(grads)) named[varNames.get(tfName) ?? tfName] = g;
    return { value, grads: named, ...kept };
  };

  try {
    while (state.epoch < config.epochs) {
      // After a mid-epoch stop, resume skips the batches already trained on; the
      // seeded shuffle makes the data order the same as in the first run.
      let skip = state.step - state.epoch * stepsPerEpoch;
      let stepInEpoch = skip;
      for (const batch of batchIterator(data.train, data.spec, config.batchSize, { shuffle: true, seed: hashSeed(seed, 'shuffle'), epoch: state.epoch })) {
        if (skip > 0 || stepInEpoch >= stepsPerEpoch || hooks.signal?.aborted) {
          batch.x.dispose();
          batch.y.dispose();
          if (skip-- > 0) continue;
          break;
        }
        stepInEpoch++;
        const feed = { x: batch.x, y: batch.y };
        const g = gradients(feed, state.step);
        let grads = g.grads;
        const lossValue = (await g.value.data())[0];
        const gradNorm = globalNorm(grads);
        if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
          const lossBad = !Number.isFinite(lossValue);
          const culprit = lossBad ? findFirstNonFinite(model, feed, state.step) : findNonFiniteGradient(model, grads);
          disposeAll(g.value, grads, g.metrics, g.records, feed);
          const what = lossBad ? `the loss became ${Number.isNaN(lossValue) ? 'NaN' : 'infinite'}` : 'the gradient became NaN or infinite';
          hooks.onEvent({
            event: 'error',
            code: 'nan',
            step: state.step + 1,
            nodeId: culprit?.nodeId,
            message: `training stopped at step ${state.step + 1}: ${what}${culprit ? `; it first appears in node "${culprit.nodeId}" (${culprit.nodeType})${culprit.port ? `, ${culprit.port}` : ''}` : ''}. The weights of the last good step are kept; lower the learning rate or check the data.`,
          });
          return { state, stopped: true, final, failed: true };
        }
        if (config.sam) {
          const sharpGrads = samGradients(model, grads, gradNorm, config.sam.rho, () => gradients(feed, state.step));
          disposeAll(grads);
          grads = sharpGrads;
        }
        if (config.gradClip && gradNorm > config.gradClip) grads = scaleAll(grads, config.gradClip / gradNorm);
        optimizer.applyGradients(model.variables, grads);
        state.step++;
        const metrics: Record<string, number> = {};
        for (const [k, t] of Object.entries(g.metrics)) metrics[k] = (await t.data())[0];
        const routing = await routingCounts(g.records);
        disposeAll(g.value, grads, g.metrics, g.records, feed);
        const elapsedMs = Date.now() - started;
        const done = state.step - stepsAtStart;
        hooks.onEvent({
          event: 'step', step: state.step, epoch: state.epoch + 1, loss: lossValue, metrics, elapsedMs,
          etaMs: done > 0 ? Math.round((elapsedMs / done) * (totalSteps - state.step)) : 0,
          ...(routing ? { routing } : {}),
        });
        await yieldToEventLoop();
      }
      // A stop that lands after the epoch's last step still closes the epoch (evaluation,
      // epoch count), so a resume starts cleanly at the next one.
      if (hooks.signal?.aborted && stepInEpoch < stepsPerEpoch) break;
      state.epoch++;
      state.step = state.epoch * stepsPerEpoch;
      if (state.epoch % evalEvery === 0 || state.epoch === config.epochs) {
        // Evaluated in training-sized batches: activations stay within what training already
        // needs (and what the memory check allowed), and on the native backend they reuse the
        // step's pooled arrays; batches of 1,000 took a Neural-Interpreters stack to 4 GB and a
        // storm of garbage collections for new arrays.
        const batchSize = config.batchSize;
        final = {
          train: await evaluate(model, data.train, data.spec, { limit: hooks.trainEvalLimit ?? 10000, batchSize }),
          test: await evaluate(model, data.test, data.spec, { batchSize }),
        };
        reportEpoch(state, final, started, hooks);
      }
      await hooks.onEpochEnd?.(state, optimizer);
    }
    return { state, stopped: Boolean(hooks.signal?.aborted), final, failed: false };
  } finally {
    hooks.onFinish?.(state, optimizer);
    optimizer.dispose();
  }
}

/** Records the epoch's evaluation in the history and reports it. */
export function reportEpoch(state: TrainerState, final: { train: MetricValues; test: MetricValues }, started: number, hooks: TrainHooks): void {
  const epochEvent = { event: 'epoch' as const, epoch: state.epoch, step: state.step, ...final, elapsedMs: Date.now() - started };
  state.history.push(epochEvent);
  hooks.onEvent(epochEvent);
}

/**
 * SAM (Foret et al.): ε̂ = ρ·g/‖g‖₂ moves the weights to the (first-order) worst point
 * of the ρ-ball, the gradient is taken there, and the weights come back to w before
 * the base optimizer applies that gradient.
 */
function samGradients(
  model: CompiledModel,
  grads: Record<string, tf.Tensor>,
  gradNorm: number,
  rho: number,
  gradientsAtCurrent: () => { value: tf.Scalar; grads: Record<string, tf.Tensor>; metrics: Record<string, tf.Scalar>; records: Record<string, Record<string, tf.Tensor>> },
): Record<string, tf.Tensor> {
  const scale = rho / (gradNorm + 1e-12);
  const eps: Record<string, tf.Tensor> = {};
  for (const [name, v] of model.variables) {
    const g = grads[name];
    if (!g) continue;
    eps[name] = tf.mul(g, scale);
    v.assign(tf.tidy(() => tf.add(v, eps[name])));
  }
  const atPeak = gradientsAtCurrent();
  for (const [name, v] of model.variables) if (eps[name]) v.assign(tf.tidy(() => tf.sub(v, eps[name])));
  disposeAll(eps, atPeak.value, atPeak.metrics, atPeak.records);
  return atPeak.grads;
}

/** ‖g‖₂ over all gradients, scaled by the largest entry first so huge but finite gradients do not overflow float32. */
function globalNorm(grads: Record<string, tf.Tensor>): number {
  const fused = fusedGlobalNorm(Object.values(grads));
  if (fused !== null) return fused;
  const [maxAbs, sumSq] = tf.tidy(() => {
    const list = Object.values(grads);
    const m = tf.max(tf.stack(list.map((g) => tf.max(tf.abs(g)))));
    const safe = tf.maximum(m, 1e-30);
    return [m, tf.addN(list.map((g) => tf.sum(tf.square(tf.div(g, safe)))))];
  });
  const scale = maxAbs.dataSync()[0];
  const v = sumSq.dataSync()[0];
  tf.dispose([maxAbs, sumSq]);
  return scale * Math.sqrt(v);
}

function scaleAll(grads: Record<string, tf.Tensor>, factor: number): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const [k, g] of Object.entries(grads)) {
    out[k] = tf.mul(g, factor);
    g.dispose();
  }
  return out;
}

async function routingCounts(records: Record<string, Record<string, tf.Tensor>>): Promise<Record<string, number[]> | null> {
  let out: Record<string, number[]> | null = null;
  for (const [id, rec] of Object.entries(records)) {
    if (rec.routing && rec.routing.rank === 1) (out ??= {})[id] = Array.from(await rec.routing.data());
  }
  return out;
}

type Disposable = tf.Tensor | Record<string, unknown> | null | undefined;
function disposeAll(...items: Disposable[]): void {
  for (const item of items) {
    if (!item) continue;
    if (item instanceof tf.Tensor) item.dispose();
    else for (const v of Object.values(item)) disposeAll(v as Disposable);
  }
}
