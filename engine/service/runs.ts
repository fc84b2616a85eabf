import { tf } from '../tf.js';
import { initBackend, type BackendName } from '../backend/select.js';
import { CompiledModel } from '../compile/compile.js';
import type { LoadedDataset } from '../data/spec.js';
import { formatProblem } from '../graph/problems.js';
import { DEFAULT_TRAINING, type DatasetRef, type Graph, type TrainingConfig } from '../graph/schema.js';
import { validateGraph, type DescribeDataset } from '../graph/validate.js';
import { trainGraph } from '../run/trainGraph.js';
import type { TrainEvent } from '../train/events.js';
import type { TrainerState } from '../train/trainer.js';
import type { DatasetCache } from './datasetCache.js';
import { ServiceError } from './serviceError.js';
import { randomBytes } from 'node:crypto';

export type RunStatus = 'running' | 'stopped' | 'done' | 'failed';

/**
 * One training run the engine holds: its graph and settings, and once compiled its
 * model, trainer state and optimizer state, kept after a stop (to resume) and after
 * the end (for the analysis panels).
 */
interface Run {
  id: string;
  graph: Graph;
  overrides: Partial<TrainingConfig>;
  config: TrainingConfig;
  /** Epochs the run was planned with: what "resume" adds once they are done. */
  plannedEpochs: number;
  backend?: BackendName;
  status: RunStatus;
  model: CompiledModel | null;
  state: TrainerState;
  optimizerState: Record<string, tf.Tensor> | null;
  controller: AbortController | null;
  finished: Promise<void>;
  touched: number;
}

export interface RunManagerOptions {
  emit(runId: string, event: TrainEvent): void;
  data: DatasetCache;
  baseDir: string;
  /** How datasets are described for validation (the service may confine data files). */
  describe: DescribeDataset;
  /** Called on every training event: training keeps the event loop busy, so the worker reads its inbox here. */
  onTick?(): void;
  /** Finished and stopped runs kept for resume and analysis (older ones are released). */
  keepRuns?: number;
  /** Runs training at once. */
  maxRunning?: number;
}

export class RunManager {
  private runs = new Map<string, Run>();
  private clock = 0;

  constructor(private options: RunManagerOptions) {}

  /** Checks the graph and registers a run; `launch` starts it (after the reply naming it went out). */
  start(rawGraph: unknown, overrides: Partial<TrainingConfig> = {}, backend?: BackendName): { runId: string; launch: () => void } {
    this.checkCapacity();
    const validation = validateGraph(rawGraph, { describeDataset: this.describe });
    const errors = validation.problems.filter((p) => p.severity === 'error');
    if (errors.length || !validation.graph) {
      throw new ServiceError('graph', `the graph cannot be trained: ${errors.length} problem${errors.length === 1 ? '' : 's'}\n${errors.slice(0, 20).map(formatProblem).join('\n')}`);
    }
    const graph = validation.graph;
    const config: TrainingConfig = { ...DEFAULT_TRAINING, ...graph.training, ...overrides };
    const run: Run = {
      id: `run-${randomBytes(6).toString('hex')}`,
      graph,
      overrides,
      config,
      plannedEpochs: config.epochs,
      backend,
      status: 'running',
      model: null,
      state: { step: 0, epoch: 0, history: [] },
      optimizerState: null,
      controller: null,
      finished: Promise.resolve(),
      touched: ++this.clock,
    };
    this.runs.set(run.id, run);
    this.evict();
    return { runId: run.id, launch: () => this.execute(run) };
  }

  async stop(runId: string): Promise<boolean> {
    const run = this.get(runId);
    if (run.status !== 'running') return false;
    run.controller?.abort();
    await run.finished;
    return true;
  }

  resume(runId: string, epochs?: number): { runId: string; launch: () => void } {
    const run = this.get(runId);
    if (run.status === 'running') throw new ServiceError('busy', `run ${runId} is still training`);
    if (run.status === 'failed' || !run.model) throw new ServiceError('cannot-resume', `run ${runId} failed; fix the problem and train again`);
    this.checkCapacity();
    const done = run.state.epoch;
    const target = epochs !== undefined ? done + epochs : done < run.config.epochs ? run.config.epochs : done + run.plannedEpochs;
    run.config = { ...run.config, epochs: target };
    run.status = 'running';
    run.touched = ++this.clock;
    return { runId, launch: () => this.execute(run) };
  }

  /** A run's model and data for the analysis panels (also while it trains: the weights as they are). */
  async trained(runId: string): Promise<{ model: CompiledModel; data: LoadedDataset }> {
    const run = this.get(runId);
    if (!run.model) {
      throw new ServiceError('not-ready', run.status === 'running' ? `run ${runId} has not started training yet` : `run ${runId} has no trained model`);
    }
    run.touched = ++this.clock;
    const model = run.model;
    const data = await this.options.data.get(run.graph.dataset, run.config.seed ?? 1);
    return { model, data };
  }

  status(runId: string): RunStatus {
    return this.get(runId).status;
  }

  async dispose(): Promise<void> {
    for (const run of this.runs.values()) run.controller?.abort();
    await Promise.all([...this.runs.values()].map((r) => r.finished));
    for (const run of this.runs.values()) release(run);
    this.runs.clear();
  }

  private describe = (ref: DatasetRef) => this.options.describe(ref);

  private get(runId: string): Run {
    const run = this.runs.get(runId);
    if (!run) throw new ServiceError('not-found', `no run "${runId}" (runs end when the engine restarts)`);
    return run;
  }

  private checkCapacity(): void {
    const running = [...this.runs.values()].filter((r) => r.status === 'running').length;
    const max = this.options.maxRunning ?? 4;
    if (running >= max) throw new ServiceError('busy', `${running} runs are training already; stop one first`);
  }

  /** Releases the least recently used runs that are not training, beyond `keepRuns`. */
  private evict(): void {
    const idle = [...this.runs.values()].filter((r) => r.status !== 'running').sort((a, b) => a.touched - b.touched);
    let excess = this.runs.size - (this.options.keepRuns ?? 6);
    for (const run of idle) {
      if (excess-- <= 0) break;
      release(run);
      this.runs.delete(run.id);
    }
  }

  private execute(run: Run): void {
    const controller = new AbortController();
    run.controller = controller;
    const emit = (event: TrainEvent) => {
      this.options.onTick?.();
      this.options.emit(run.id, event);
    };
    run.finished = (async () => {
      try {
        if (!run.model) {
          // Compiled here, not inside trainGraph, so the panels can read the weights while it trains.
          try {
            await initBackend(run.backend);
          } catch (err) {
            emit({ event: 'error', code: 'backend', message: (err as Error).message });
            run.status = 'failed';
            return;
          }
          const validation = validateGraph(run.graph, { describeDataset: this.describe, batchSize: run.config.batchSize });
          try {
            run.model = new CompiledModel(run.graph, validation, run.config.seed ?? 1);
          } catch (err) {
            emit({ event: 'error', code: 'graph', message: (err as Error).message });
            run.status = 'failed';
            return;
          }
        }
        const given = run.optimizerState;
        const result = await trainGraph(run.graph, {
          backend: run.backend,
          overrides: { ...run.overrides, epochs: run.config.epochs },
          signal: controller.signal,
          baseDir: this.options.baseDir,
          loadData: (ref, seed) => this.options.data.get(ref, seed),
          continueFrom: { model: run.model, state: run.state, optimizerState: given },
          onEvent: emit,
          onFinish: (state, optimizerState) => {
            run.state = state;
            run.optimizerState = optimizerState;
          },
        });
        // The trainer copied the state it was given; the copy it handed back replaced it.
        if (given && given !== run.optimizerState) disposeAll(given);
        run.status = !result.ok ? 'failed' : result.final?.stopped ? 'stopped' : 'done';
      } catch (err) {
        emit({ event: 'error', code: 'internal', message: `training failed: ${(err as Error).message}` });
        run.status = 'failed';
      } finally {
        run.controller = null;
      }
    })();
  }
}

function release(run: Run): void {
  run.model?.dispose();
  run.model = null;
  if (run.optimizerState) disposeAll(run.optimizerState);
  run.optimizerState = null;
}

function disposeAll(tensors: Record<string, tf.Tensor>): void {
  for (const t of Object.values(tensors)) t.dispose();
}
