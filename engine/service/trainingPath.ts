import type { CompiledModel } from '../compile/compile.js';
import type { WeightSnapshot } from '../analysis/landscape/index.js';
import type { TrainEvent } from '../train/events.js';

export interface TrainingPathOptions {
  /** The run's model (the one object training updates); rejects when the run is gone. */
  modelOf(runId: string): Promise<CompiledModel>;
  /** Snapshots kept per run; beyond, every other one is dropped and fewer are taken. Default 12. */
  maxSnapshots?: number;
  /** Memory for one run's snapshots; a network too big for 3 of them keeps none. Default 64 MB. */
  maxBytesPerRun?: number;
  /** Runs whose paths are kept (the most recently trained). Default 6. */
  maxRuns?: number;
}

interface Path {
  model: CompiledModel | null;
  stepsPerEpoch: number;
  /** Take a snapshot every `stride` epochs (doubled each time the path is thinned). */
  stride: number;
  snapshots: { epoch: number; weights: WeightSnapshot }[];
  capacity: number;
  tooBig: boolean;
  touched: number;
  /** The last step reported (what the weights were at when an analysis copied them mid-training). */
  lastStep: number;
}

/**
 * The weights of each run at the end of its epochs (Li et al.'s training path, whose
 * principal directions the landscape can use). Snapshots are taken from the step events,
 * synchronously inside the training loop, so each is exactly the weights at an epoch's
 * last step, whatever `evalEvery` is. Memory is bounded: a few snapshots per run (thinned
 * evenly as training goes on), a few runs.
 */
export class TrainingPaths {
  private paths = new Map<string, Path>();
  private clock = 0;

  constructor(private options: TrainingPathOptions) {}

  observe(runId: string, event: TrainEvent): void {
    if (event.event === 'start') {
      let path = this.paths.get(runId);
      if (!path || event.fromStep === 0) {
        path = { model: null, stepsPerEpoch: event.stepsPerEpoch, stride: 1, snapshots: [], capacity: this.options.maxSnapshots ?? 12, tooBig: false, touched: ++this.clock, lastStep: event.fromStep };
        this.paths.set(runId, path);
        this.evict();
      }
      path.stepsPerEpoch = event.stepsPerEpoch;
      path.touched = ++this.clock;
      const fresh = event.fromStep === 0;
      // The model is compiled before training starts; its weights here are the initial ones
      // (or, if the lookup resolves after the first step, very close to them).
      void this.options.modelOf(runId).then(
        (model) => {
          if (this.paths.get(runId) !== path) return;
          path.model = model;
          if (fresh && path.snapshots.length === 0) this.take(path, 0);
        },
        () => this.paths.delete(runId),
      );
      return;
    }
    if (event.event !== 'step') return;
    const path = this.paths.get(runId);
    if (path) path.lastStep = event.step;
    if (!path?.model || path.tooBig || path.stepsPerEpoch < 1 || event.step % path.stepsPerEpoch !== 0) return;
    const epoch = event.step / path.stepsPerEpoch;
    if (epoch % path.stride === 0) this.take(path, epoch);
  }

  /** The run's snapshots, oldest first (empty when none were kept). */
  snapshots(runId: string): { epoch: number; weights: WeightSnapshot }[] {
    return this.paths.get(runId)?.snapshots.slice() ?? [];
  }

  /** Why a run has no usable path, or null. */
  whyNone(runId: string): string | null {
    const path = this.paths.get(runId);
    if (!path) return 'this run has no recorded training path (runs trained before the engine restarted have none)';
    if (path.tooBig) return `the network is too large to keep snapshots of its weights along training (${Math.round(this.bytesOf(path) / 2 ** 20)} MB each)`;
    return null;
  }

  lastStep(runId: string): number | undefined {
    return this.paths.get(runId)?.lastStep;
  }

  forget(runId: string): void {
    this.paths.delete(runId);
  }

  private take(path: Path, epoch: number): void {
    const weights = path.model!.weights();
    if (path.snapshots.length === 0) {
      const bytes = Object.values(weights).reduce((s, w) => s + w.data.byteLength, 0);
      path.capacity = Math.min(path.capacity, Math.floor((this.options.maxBytesPerRun ?? 64 * 2 ** 20) / Math.max(1, bytes)));
      if (path.capacity < 3) {
        path.tooBig = true;
        return;
      }
    }
    // weights() reads the variables' own buffers on some backends: copy, so training cannot change them.
    const copy: WeightSnapshot = {};
    for (const [name, w] of Object.entries(weights)) copy[name] = { shape: w.shape.slice(), data: Float32Array.from(w.data) };
    path.snapshots.push({ epoch, weights: copy });
    path.touched = ++this.clock;
    if (path.snapshots.length > path.capacity) {
      // Keep every other one (the first included): the path stays evenly spread.
      path.snapshots = path.snapshots.filter((_, i) => i % 2 === 0);
      path.stride *= 2;
    }
  }

  private bytesOf(path: Path): number {
    if (!path.model) return 0;
    let n = 0;
    for (const v of path.model.variables.values()) n += v.size * 4;
    return n;
  }

  private evict(): void {
    const max = this.options.maxRuns ?? 6;
    while (this.paths.size > max) {
      let oldest: string | null = null;
      let at = Infinity;
      for (const [id, p] of this.paths) if (p.touched < at) (at = p.touched), (oldest = id);
      if (oldest === null) break;
      this.paths.delete(oldest);
    }
  }
}
