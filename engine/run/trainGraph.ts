import { tf } from '../tf.js';
import { initBackend, type BackendName } from '../backend/select.js';
import { CompiledModel } from '../compile/compile.js';
import { describeDataset, loadDataset } from '../data/registry.js';
import type { LoadedDataset } from '../data/spec.js';
import { hasErrors, formatProblem } from '../graph/problems.js';
import type { DatasetRef, Graph, TrainingConfig } from '../graph/schema.js';
import { DEFAULT_TRAINING } from '../graph/schema.js';
import { validateGraph } from '../graph/validate.js';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint.js';
import type { TrainEvent } from '../train/events.js';
import { trainModel, type TrainerState, type TrainHooks } from '../train/trainer.js';
import type { Optimizer } from '../train/optimizers.js';
import { trainForwardForward } from '../train/forwardForward.js';

export interface TrainGraphOptions {
  backend?: BackendName;
  /** Overrides of the graph's training settings (the CLI's --epochs, the app's panel). */
  overrides?: Partial<TrainingConfig>;
  /** Write a checkpoint here after every epoch (atomically). */
  outDir?: string;
  /** Resume from the checkpoint in this directory. */
  resumeFrom?: string;
  signal?: AbortSignal;
  onEvent(event: TrainEvent): void;
  /** Called with the trained model before it is disposed (tests, analysis panels). */
  onModel?(model: CompiledModel): Promise<void> | void;
  /** Keep the model alive after training instead of disposing it. */
  keepModel?: boolean;
  /** Folder that relative dataset paths (CSV) are read from (default: the working directory). */
  baseDir?: string;
  /** Loads the dataset (default: the registry's loadDataset); the engine service passes its cache. */
  loadData?(ref: DatasetRef, seed: number): Promise<LoadedDataset>;
  /**
   * Continue a run held in memory (the engine service's stop and resume): its model with
   * the weights as they are, and the trainer's and optimizer's state. The model stays
   * the caller's: it is never disposed here.
   */
  continueFrom?: { model: CompiledModel; state: TrainerState; optimizerState: Record<string, tf.Tensor> | null };
  /**
   * Receives the trainer's state and a copy of the optimizer's state (now the caller's
   * to dispose) when training ends, stopped, done or failed, so the run can continue.
   */
  onFinish?(state: TrainerState, optimizerState: Record<string, tf.Tensor> | null): void;
}

export interface TrainGraphResult {
  ok: boolean;
  final: Extract<TrainEvent, { event: 'done' }> | null;
  model: CompiledModel | null;
}

/**
 * Everything between a graph and a trained model: backend, validation, dataset,
 * compile, training (backprop or Forward-Forward), checkpoints, and the done event.
 * Every failure becomes an `error` event; nothing here throws at the caller.
 */
export async function trainGraph(graph: Graph, options: TrainGraphOptions): Promise<TrainGraphResult> {
  const emit = options.onEvent;
  const fail = (code: Extract<TrainEvent, { event: 'error' }>['code'], message: string, extra: { nodeId?: string } = {}) => {
    emit({ event: 'error', code, message, ...extra });
    return { ok: false, final: null, model: null };
  };
  let backendLabel: string;
  try {
    backendLabel = (await initBackend(options.backend)).name;
  } catch (err) {
    return fail('backend', (err as Error).message);
  }
  const config: TrainingConfig = { ...DEFAULT_TRAINING, ...graph.training, ...options.overrides };
  const datasetOptions = { baseDir: options.baseDir };
  const validation = validateGraph(graph, { describeDataset: (ref) => describeDataset(ref, datasetOptions), batchSize: config.batchSize });
  if (hasErrors(validation.problems)) {
    const first = validation.problems.find((p) => p.severity === 'error')!;
    return fail('graph', validation.problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n'), { nodeId: first.nodeId });
  }
  const seed = config.seed ?? 1;
  let data;
  try {
    data = options.loadData ? await options.loadData(graph.dataset, seed) : await loadDataset(graph.dataset, seed, datasetOptions);
  } catch (err) {
    return fail('data', (err as Error).message);
  }
  let model: CompiledModel | null = null;
  const callerOwnsModel = Boolean(options.continueFrom);
  // The optimizer's state at the end, for onFinish: taken when the trainer finishes
  // (exact, also after a stop mid-epoch), else at the last epoch end.
  let optimizerState: Record<string, tf.Tensor> | null = null;
  const captureOptimizer = (optimizer: Optimizer) => {
    for (const t of Object.values(optimizerState ?? {})) t.dispose();
    optimizerState = optimizer.getState();
  };
  try {
    model = options.continueFrom?.model ?? new CompiledModel(graph, validation, seed);
    let resume: { state: TrainerState; optimizerState: Record<string, tf.Tensor> } | undefined;
    if (options.continueFrom) {
      resume = { state: options.continueFrom.state, optimizerState: options.continueFrom.optimizerState ?? {} };
    } else if (options.resumeFrom) {
      const checkpoint = await loadCheckpoint(options.resumeFrom);
      model.setWeights(checkpoint.weights);
      const saved = checkpoint.trainerState;
      const history = Array.isArray(saved.history) ? (saved.history as TrainerState['history']) : [];
      resume = { state: { step: saved.step, epoch: saved.epoch, history }, optimizerState: checkpoint.optimizerState };
    }
    const saveEpoch = options.outDir
      ? async (state: TrainerState, optimizer: { getState(): Record<string, tf.Tensor> }) => {
          const optimizerState = optimizer.getState();
          try {
            await saveCheckpoint(options.outDir!, { graph, weights: model!.variables, optimizerState, trainerState: state });
          } finally {
            for (const t of Object.values(optimizerState)) t.dispose();
          }
          emit({ event: 'checkpoint', dir: options.outDir!, step: state.step, epoch: state.epoch });
        }
      : undefined;
    const onEpochEnd = saveEpoch || options.onFinish
      ? async (state: TrainerState, optimizer: Optimizer) => {
          if (options.onFinish) captureOptimizer(optimizer);
          await saveEpoch?.(state, optimizer);
        }
      : undefined;
    const started = Date.now();
    const hooks: TrainHooks = {
      onEvent: emit,
      signal: options.signal,
      backend: backendLabel,
      onEpochEnd,
      resume,
      ...(options.onFinish ? { onFinish: (_state: TrainerState, optimizer: Optimizer) => captureOptimizer(optimizer) } : {}),
    };
    let outcome;
    try {
      outcome = config.method === 'forward-forward'
        ? await trainForwardForward(model, data, config, hooks)
        : await trainModel(model, data, config, hooks);
    } finally {
      // The optimizer copied the state loaded from the checkpoint; those tensors are ours to free.
      if (resume && !options.continueFrom) tf.dispose(Object.values(resume.optimizerState));
    }
    if (options.onFinish) {
      options.onFinish(outcome.state, optimizerState);
      optimizerState = null;
    }
    if (outcome.failed) return { ok: false, final: null, model: callerOwnsModel ? model : finish(model, options) };
    const train = outcome.final?.train;
    const test = outcome.final?.test;
    const done: Extract<TrainEvent, { event: 'done' }> = {
      event: 'done',
      backend: backendLabel,
      stopped: outcome.stopped,
      steps: outcome.state.step,
      elapsedMs: Date.now() - started,
      metrics: {
        trainLoss: train?.loss ?? NaN,
        ...(train?.accuracy !== undefined ? { trainAccuracy: train.accuracy } : {}),
        testLoss: test?.loss ?? NaN,
        ...(test?.accuracy !== undefined ? { testAccuracy: test.accuracy } : {}),
      },
    };
    await options.onModel?.(model);
    emit(done);
    return { ok: true, final: done, model: callerOwnsModel ? model : finish(model, options) };
  } catch (err) {
    // Assigned inside captureOptimizer, which narrowing does not see.
    const leftover = optimizerState as Record<string, tf.Tensor> | null;
    for (const t of Object.values(leftover ?? {})) t.dispose();
    if (model && !callerOwnsModel) finish(model, { keepModel: false });
    return fail('internal', `training failed: ${(err as Error).message}`);
  }
}

function finish(model: CompiledModel, options: { keepModel?: boolean }): CompiledModel | null {
  if (options.keepModel) return model;
  model.dispose();
  return null;
}
