import { randomBytes } from 'node:crypto';
import { CompiledModel } from '../compile/compile.js';
import type { LoadedDataset } from '../data/spec.js';
import { validateGraph, type DescribeDataset } from '../graph/validate.js';
import { extractCNet, extractExactTree, DEFAULT_NODE_LIMIT } from '../analysis/tree/index.js';
import {
  compareRuns,
  linspace,
  LossEvaluator,
  lossLandscape,
  measureSharpness,
  pathDirections,
  type AnalysisProgress,
  type SharpnessResult,
  type WeightSnapshot,
} from '../analysis/landscape/index.js';
import { disposeDirection } from '../analysis/landscape/evaluator.js';
import { sliceWith } from '../analysis/landscape/landscape.js';
import { createCheckpoint } from '../analysis/landscape/progress.js';
import type { AnalysisProgressInfo, CompareAnalysis, Landscape1D, LandscapeAnalysis, Push, RequestParams, SharpnessInfo, TreeAnalysis } from '../protocol/messages.js';
import type { TrainEvent } from '../train/events.js';
import type { RunStatus } from './runs.js';
import { ServiceError } from './serviceError.js';
import { TrainingPaths } from './trainingPath.js';
import { treeForWire } from './treeWire.js';
import type { Box2 } from './regionPolygons.js';

export interface AnalysisJobsOptions {
  /** A run's model and data (RunManager.trained). */
  trained(runId: string): Promise<{ model: CompiledModel; data: LoadedDataset }>;
  status(runId: string): RunStatus;
  describe: DescribeDataset;
  push(push: Push): void;
  /** Analyses running at once. Default 2. */
  maxJobs?: number;
  /** Least time between two progress pushes of a job. Default 100 ms. */
  progressIntervalMs?: number;
}

/** Examples a landscape averages its losses over by default (the first ones of the split). */
export const DEFAULT_LANDSCAPE_SAMPLES = 10000;
const DEFAULT_RHO = 0.05;
const SHARPNESS_STEPS = 5;

interface Job {
  controller: AbortController;
}

/**
 * The analysis panels' requests: decision trees, loss landscapes, sharpness and run
 * comparisons. Each works on a fresh copy of the run's weights (the landscape moves the
 * weights it works on, and a run may still be training or be resumed meanwhile), reports
 * progress as pushes, and can be cancelled by its job id.
 */
export class AnalysisJobs {
  readonly paths: TrainingPaths;
  private jobs = new Map<string, Job>();

  constructor(private options: AnalysisJobsOptions) {
    this.paths = new TrainingPaths({ modelOf: async (runId) => (await options.trained(runId)).model });
  }

  /** Every training event of every run passes here (the training path's snapshots). */
  observeTraining(runId: string, event: TrainEvent): void {
    this.paths.observe(runId, event);
  }

  tree(p: RequestParams<'analysis.tree'>): Promise<TreeAnalysis> {
    return this.job(p.jobId, async ({ signal, progress }) => {
      progress.report({ phase: 'tree', done: 0, total: 1 });
      return this.withCopy(p.runId, async (model, data) => {
        const result =
          p.method === 'exact'
            ? await extractExactTree(model, data, { limit: p.limit ?? DEFAULT_NODE_LIMIT, signal })
            : await extractCNet(model, data, { signal });
        progress.report({ phase: 'tree', done: 1, total: 1 });
        return treeForWire(result, planeBox(data) ?? undefined);
      });
    });
  }

  landscape(p: RequestParams<'analysis.landscape'>): Promise<LandscapeAnalysis> {
    const n = p.grid ?? (p.kind === '2d' ? 21 : 41);
    const directions = p.directions ?? 'random';
    const plan: Record<string, number> = { centre: 1, [p.kind === '2d' ? 'grid' : 'slice']: p.kind === '2d' ? n * n : n, sharpness: 2 * (SHARPNESS_STEPS + 1) };
    return this.job(p.jobId, async ({ signal, progress }) => {
      const step = this.trainingStep(p.runId);
      const path = directions === 'trajectory' ? this.trainingPath(p.runId) : undefined;
      return this.withCopy(p.runId, async (model, data) => {
        const limit = Math.min(data.train.count, p.samples ?? DEFAULT_LANDSCAPE_SAMPLES);
        const onProgress = progress.tracker(plan);
        const sharpness = { rho: p.rho ?? DEFAULT_RHO, steps: SHARPNESS_STEPS };
        const common = { split: 'train' as const, splitSize: data.train.count, ...(step !== undefined ? { trainingStep: step } : {}) };
        if (p.kind === '2d') {
          const r = await lossLandscape(model, data, { grid: n, range: p.range, seed: p.seed, limit, path, sharpness, signal, onProgress });
          return {
            kind: '2d',
            directions,
            ...common,
            samples: r.samples,
            centerLoss: r.centerLoss,
            xs: r.xs,
            ys: r.ys,
            grid: r.grid,
            min: r.min,
            ...(r.path ? { path: r.path, explained: r.explained } : {}),
            ...(r.sharpness ? { sharpness: sharpnessInfo(r.sharpness) } : {}),
            elapsedMs: r.elapsedMs,
          };
        }
        if (path) return { ...common, ...(await pathSlice(model, data, path, { points: n, range: p.range, limit, sharpness, signal, onProgress })) };
        const started = Date.now();
        const evaluator = new LossEvaluator(model, data.train, data.spec, { limit });
        try {
          // One evaluator (the split's batches on the backend once) for the slice and the sharpness.
          const slice = await sliceWith(evaluator, model.weights(), 'train', { points: n, range: p.range, seed: p.seed, signal, onProgress });
          const sharp = await measureSharpness(evaluator, { ...sharpness, signal, onProgress });
          return {
            kind: '1d',
            directions,
            ...common,
            samples: slice.samples,
            centerLoss: slice.centerLoss,
            alphas: slice.alphas,
            losses: slice.losses,
            sharpness: sharpnessInfo(sharp),
            elapsedMs: Date.now() - started,
          };
        } finally {
          evaluator.dispose();
        }
      });
    });
  }

  sharpness(p: RequestParams<'analysis.sharpness'>): Promise<SharpnessInfo> {
    const steps = p.steps ?? SHARPNESS_STEPS;
    return this.job(p.jobId, async ({ signal, progress }) =>
      this.withCopy(p.runId, async (model, data) => {
        const evaluator = new LossEvaluator(model, data.train, data.spec, { limit: Math.min(data.train.count, p.samples ?? DEFAULT_LANDSCAPE_SAMPLES) });
        try {
          return sharpnessInfo(await measureSharpness(evaluator, { rho: p.rho, steps, signal, onProgress: progress.tracker({ sharpness: steps + 1 }) }));
        } finally {
          evaluator.dispose();
        }
      }),
    );
  }

  compare(p: RequestParams<'analysis.compare'>): Promise<CompareAnalysis> {
    const points = p.points ?? 41;
    const plan: Record<string, number> = {};
    for (const id of p.runIds) Object.assign(plan, { [`${id}|slice`]: points + 1, [`${id}|sharpness`]: 2 * (SHARPNESS_STEPS + 1) });
    return this.job(p.jobId, async ({ signal, progress }) => {
      const onProgress = progress.tracker(plan);
      const out: CompareAnalysis = { alphas: [], runs: [] };
      // One run at a time, each on its own data (its own split if the seeds differ), with the same seeded direction.
      for (const runId of p.runIds) {
        const r = await this.withCopy(runId, (model, data) =>
          compareRuns([{ label: runId, model }], data, {
            points,
            range: p.range,
            limit: Math.min(data.train.count, p.samples ?? DEFAULT_LANDSCAPE_SAMPLES),
            sharpness: { rho: p.rho ?? DEFAULT_RHO, steps: SHARPNESS_STEPS },
            signal,
            onProgress,
          }),
        );
        const run = r.runs[0];
        out.alphas = r.alphas;
        out.runs.push({ runId, centerLoss: run.slice.centerLoss, losses: run.slice.losses, samples: run.slice.samples, ...(run.sharpness ? { sharpness: sharpnessInfo(run.sharpness) } : {}) });
      }
      return out;
    });
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  dispose(): void {
    for (const job of this.jobs.values()) job.controller.abort();
  }

  private async job<T>(jobId: string | undefined, work: (ctx: { signal: AbortSignal; progress: ProgressPusher }) => Promise<T>): Promise<T> {
    const id = jobId ?? `job-${randomBytes(6).toString('hex')}`;
    if (this.jobs.has(id)) throw new ServiceError('busy', `an analysis with job id "${id}" is already running`);
    const max = this.options.maxJobs ?? 2;
    if (this.jobs.size >= max) throw new ServiceError('busy', `${this.jobs.size} analyses are running already; cancel one or wait for it`);
    const controller = new AbortController();
    this.jobs.set(id, { controller });
    const progress = new ProgressPusher(id, this.options.push, this.options.progressIntervalMs ?? 100);
    try {
      return await work({ signal: controller.signal, progress });
    } catch (err) {
      if (controller.signal.aborted) throw new ServiceError('cancelled', 'the analysis was cancelled');
      if (err instanceof ServiceError) throw err;
      throw new ServiceError('analysis', (err as Error)?.message ?? String(err));
    } finally {
      this.jobs.delete(id);
    }
  }

  /**
   * Runs `work` on a fresh model holding a copy of the run's current weights, so nothing
   * the analysis does touches the run (which may be training), and vice versa.
   */
  private async withCopy<T>(runId: string, work: (model: CompiledModel, data: LoadedDataset) => Promise<T>): Promise<T> {
    const { model, data } = await this.options.trained(runId);
    const validation = validateGraph(model.graph, { describeDataset: this.options.describe });
    const copy = new CompiledModel(model.graph, validation, model.seed);
    try {
      copy.setWeights(model.weights());
      return await work(copy, data);
    } finally {
      copy.dispose();
    }
  }

  private trainingStep(runId: string): number | undefined {
    return this.options.status(runId) === 'running' ? this.paths.lastStep(runId) : undefined;
  }

  /** The run's weight snapshots for the training-path directions. */
  private trainingPath(runId: string): WeightSnapshot[] {
    const why = this.paths.whyNone(runId);
    if (why) throw new ServiceError('no-path', `The training path is not available: ${why}. Use random directions instead.`);
    const snaps = this.paths.snapshots(runId);
    if (snaps.length < 3) {
      throw new ServiceError('no-path', `The training path needs the weights of at least 3 epochs; this run has ${snaps.length}. Train for more epochs, or use random directions.`);
    }
    return snaps.map((s) => s.weights);
  }
}

/** Progress pushes of one job, at most one per interval (a phase's first and last always go). */
class ProgressPusher {
  private last = 0;

  constructor(private jobId: string, private push: (p: Push) => void, private intervalMs: number) {}

  report(progress: AnalysisProgressInfo | Omit<AnalysisProgressInfo, 'fraction'>): void {
    const p: AnalysisProgressInfo = { fraction: null, ...progress };
    const now = Date.now();
    const edge = p.done === 0 || p.done >= p.total;
    if (!edge && now - this.last < this.intervalMs) return;
    this.last = now;
    this.push({ type: 'analysis', jobId: this.jobId, progress: p });
  }

  /**
   * An onProgress for the engine's analyses that also works out the share of the whole
   * job: `plan` gives each phase's weight (its planned evaluations), keyed by phase or
   * by `runId|phase`.
   */
  tracker(plan: Record<string, number>): (p: AnalysisProgress) => void {
    const done = new Map<string, number>();
    const total = Object.values(plan).reduce((s, w) => s + w, 0);
    return (p) => {
      const key = p.run !== undefined ? `${p.run}|${p.phase}` : p.phase;
      if (key in plan) done.set(key, p.total > 0 ? Math.min(1, p.done / p.total) : 1);
      let sum = 0;
      for (const [k, share] of done) sum += share * plan[k];
      this.report({ phase: p.phase, done: p.done, total: p.total, fraction: total > 0 ? Math.min(1, sum / total) : null, ...(p.run !== undefined ? { runId: p.run } : {}) });
    };
  }
}

function sharpnessInfo(s: SharpnessResult): SharpnessInfo {
  return { rho: s.rho, loss: s.loss, gradNorm: s.gradNorm, firstOrder: s.firstOrder, ascent: s.ascent, ascentPath: s.ascentPath };
}

/** The box of the decision-boundary view (the data's range and 10% each side), for 2-D inputs. */
function planeBox(data: LoadedDataset): Box2 | null {
  const { spec } = data;
  if (spec.x.shape.length !== 2 || spec.x.shape[1] !== 2) return null;
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (const split of [data.train, data.test]) {
    for (let i = 0; i < split.count; i++) {
      const x = split.x[2 * i];
      const y = split.x[2 * i + 1];
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
  }
  if (!Number.isFinite(xMin)) return null;
  const padX = (xMax - xMin || 1) * 0.1;
  const padY = (yMax - yMin || 1) * 0.1;
  return { xMin: xMin - padX, xMax: xMax + padX, yMin: yMin - padY, yMax: yMax + padY };
}

/**
 * A 1-D slice along the training path's first principal direction (unit length, so α
 * is a distance in weight space), spanning the path's extent unless a range is given.
 */
async function pathSlice(
  model: CompiledModel,
  data: LoadedDataset,
  path: WeightSnapshot[],
  o: { points: number; range?: number; limit: number; sharpness: { rho: number; steps: number }; signal: AbortSignal; onProgress: (p: AnalysisProgress) => void },
): Promise<Omit<Landscape1D, 'split' | 'splitSize' | 'trainingStep'>> {
  const started = Date.now();
  const evaluator = new LossEvaluator(model, data.train, data.spec, { limit: o.limit });
  const p = pathDirections(path, model.weights());
  disposeDirection(p.directions[1]);
  const dir = p.directions[0];
  try {
    let alphas: number[];
    if (o.range !== undefined) alphas = linspace(o.range, o.points);
    else {
      const xs = p.coords.map((c) => c.x);
      const lo = Math.min(0, ...xs);
      const hi = Math.max(0, ...xs);
      const margin = 0.25 * (hi - lo || 1);
      alphas = Array.from({ length: o.points }, (_, i) => lo - margin + ((hi - lo + 2 * margin) * i) / (o.points - 1));
    }
    const checkpoint = createCheckpoint(o.signal);
    o.onProgress({ phase: 'centre', done: 0, total: 1 });
    const centerLoss = await evaluator.loss();
    o.onProgress({ phase: 'centre', done: 1, total: 1 });
    const losses: number[] = [];
    for (const a of alphas) {
      await checkpoint();
      evaluator.moveTo([dir], [a]);
      losses.push(await evaluator.loss());
      o.onProgress({ phase: 'slice', done: losses.length, total: alphas.length });
    }
    evaluator.restore();
    const sharp = await measureSharpness(evaluator, { ...o.sharpness, signal: o.signal, onProgress: o.onProgress });
    return { kind: '1d', directions: 'trajectory', samples: evaluator.count, centerLoss, alphas, losses, explained: p.explained[0], sharpness: sharpnessInfo(sharp), elapsedMs: Date.now() - started };
  } finally {
    disposeDirection(dir);
    evaluator.dispose();
  }
}
