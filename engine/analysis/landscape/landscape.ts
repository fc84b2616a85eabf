import type { CompiledModel } from '../../compile/compile.js';
import type { LoadedDataset } from '../../data/spec.js';
import { pathDirections, randomDirection, type BiasTreatment, type WeightSnapshot } from './directions.js';
import { disposeDirection, LossEvaluator, type Direction, type EvaluatorOptions } from './evaluator.js';
import { createCheckpoint, type Cancellable } from './progress.js';
import { measureSharpness, type SharpnessOptions, type SharpnessResult } from './sharpness.js';

export const DEFAULT_GRID = 21;
export const DEFAULT_RANGE = 1;

export interface LandscapeOptions extends Cancellable, EvaluatorOptions {
  /** The split whose loss is plotted. Default 'train' (the L_S of the SAM article). */
  split?: 'train' | 'test';
  /** Points per axis (odd numbers put the trained weights on the grid). Default 21. */
  grid?: number;
  /** The grid spans [−range, range] on each axis. Default 1 (random directions); the path's extent for the training path. */
  range?: number;
  /** Seed of the random directions. Default 1. */
  seed?: number;
  bias?: BiasTreatment;
  /** Weight snapshots along training (oldest first): the axes become the path's two principal directions. */
  path?: WeightSnapshot[];
  /** Also measure sharpness (default on); false skips it. */
  sharpness?: Omit<SharpnessOptions, 'signal' | 'onProgress'> | false;
}

export interface LandscapeResult {
  directions: 'random' | 'path';
  /** How the random directions were scaled (Li et al.): filter-normalised, biases per `bias`. */
  normalisation: 'filter' | 'unit';
  bias?: BiasTreatment;
  seed?: number;
  split: 'train' | 'test';
  samples: number;
  /** L(w): the loss at the trained weights, as evaluate() reports it. */
  centerLoss: number;
  xs: number[];
  ys: number[];
  /** grid[j][i] = L(w + xs[i]·d₁ + ys[j]·d₂): rows follow ys, columns xs. */
  grid: number[][];
  /** The lowest point of the grid. */
  min: { x: number; y: number; loss: number };
  /** Training path: each snapshot's coordinates, and the share of the path's variance along each axis. */
  path?: { x: number; y: number }[];
  explained?: [number, number];
  sharpness?: SharpnessResult;
  elapsedMs: number;
}

export interface SliceOptions extends Cancellable, EvaluatorOptions {
  split?: 'train' | 'test';
  /** Points along the line. Default 41. */
  points?: number;
  range?: number;
  seed?: number;
  bias?: BiasTreatment;
  /** Label of the run in progress reports. */
  run?: string;
}

export interface SliceResult {
  split: 'train' | 'test';
  samples: number;
  seed: number;
  bias: BiasTreatment;
  centerLoss: number;
  /** losses[i] = L(w + alphas[i]·d), d a filter-normalised random direction. */
  alphas: number[];
  losses: number[];
  elapsedMs: number;
}

/**
 * A 2-D slice of the loss around the trained weights (Li et al. 2018): along two
 * filter-normalised random directions, or along the training path's two principal
 * directions; with the SAM sharpness beside it. The model's weights are the same
 * afterwards (also when cancelled or failing).
 */
export async function lossLandscape(model: CompiledModel, data: LoadedDataset, options: LandscapeOptions = {}): Promise<LandscapeResult> {
  const started = Date.now();
  const n = checkedCount(options.grid ?? DEFAULT_GRID, 'grid');
  const split = options.split ?? 'train';
  const evaluator = new LossEvaluator(model, data[split], data.spec, options);
  let dirs: [Direction, Direction] | null = null;
  try {
    const checkpoint = createCheckpoint(options.signal);
    const centre = model.weights();
    let xs: number[];
    let ys: number[];
    let pathInfo: Pick<LandscapeResult, 'path' | 'explained'> = {};
    if (options.path) {
      const p = pathDirections(options.path, centre);
      dirs = p.directions;
      const span = (values: number[]): number[] => {
        if (options.range !== undefined) return linspace(checkedRange(options.range), n);
        const lo = Math.min(0, ...values);
        const hi = Math.max(0, ...values);
        const margin = 0.25 * (hi - lo || 1);
        return Array.from({ length: n }, (_, i) => lo - margin + ((hi - lo + 2 * margin) * i) / (n - 1));
      };
      xs = span(p.coords.map((c) => c.x));
      ys = span(p.coords.map((c) => c.y));
      pathInfo = { path: p.coords, explained: p.explained };
    } else {
      const seed = options.seed ?? 1;
      dirs = [randomDirection(centre, seed, options.bias), randomDirection(centre, seed + 1, options.bias)];
      xs = linspace(checkedRange(options.range ?? DEFAULT_RANGE), n);
      ys = xs.slice();
    }
    options.onProgress?.({ phase: 'centre', done: 0, total: 1 });
    const centerLoss = await evaluator.loss();
    const total = n * n;
    const grid: number[][] = [];
    let done = 0;
    let min = { x: xs[0], y: ys[0], loss: Infinity };
    options.onProgress?.({ phase: 'grid', done, total });
    for (const y of ys) {
      const rowLosses: number[] = [];
      for (const x of xs) {
        await checkpoint();
        evaluator.moveTo(dirs, [x, y]);
        const loss = await evaluator.loss();
        rowLosses.push(loss);
        if (loss < min.loss) min = { x, y, loss };
        options.onProgress?.({ phase: 'grid', done: ++done, total });
      }
      grid.push(rowLosses);
    }
    evaluator.restore();
    const sharpness =
      options.sharpness === false
        ? undefined
        : await measureSharpness(evaluator, { ...(options.sharpness ?? {}), signal: options.signal, onProgress: options.onProgress });
    return {
      directions: options.path ? 'path' : 'random',
      normalisation: options.path ? 'unit' : 'filter',
      ...(options.path ? {} : { bias: options.bias ?? 'zero', seed: options.seed ?? 1 }),
      split,
      samples: evaluator.count,
      centerLoss,
      xs,
      ys,
      grid,
      min,
      ...pathInfo,
      ...(sharpness ? { sharpness } : {}),
      elapsedMs: Date.now() - started,
    };
  } finally {
    if (dirs) dirs.forEach(disposeDirection);
    evaluator.dispose();
  }
}

/** A 1-D slice along one filter-normalised random direction. */
export async function lossSlice(model: CompiledModel, data: LoadedDataset, options: SliceOptions = {}): Promise<SliceResult> {
  const split = options.split ?? 'train';
  const evaluator = new LossEvaluator(model, data[split], data.spec, options);
  try {
    return await sliceWith(evaluator, model.weights(), split, options);
  } finally {
    evaluator.dispose();
  }
}

/** The slice on an evaluator the caller owns (so sharpness can reuse its batches). */
export async function sliceWith(evaluator: LossEvaluator, centre: WeightSnapshot, split: 'train' | 'test', options: SliceOptions): Promise<SliceResult> {
  const started = Date.now();
  const n = checkedCount(options.points ?? 41, 'points');
  const seed = options.seed ?? 1;
  const bias = options.bias ?? 'zero';
  const alphas = linspace(checkedRange(options.range ?? DEFAULT_RANGE), n);
  const dir = randomDirection(centre, seed, bias);
  const checkpoint = createCheckpoint(options.signal);
  const run = options.run === undefined ? {} : { run: options.run };
  try {
    evaluator.restore();
    const centerLoss = await evaluator.loss();
    const losses: number[] = [];
    options.onProgress?.({ phase: 'slice', done: 0, total: n, ...run });
    for (const a of alphas) {
      await checkpoint();
      evaluator.moveTo([dir], [a]);
      losses.push(await evaluator.loss());
      options.onProgress?.({ phase: 'slice', done: losses.length, total: n, ...run });
    }
    return { split, samples: evaluator.count, seed, bias, centerLoss, alphas, losses, elapsedMs: Date.now() - started };
  } finally {
    disposeDirection(dir);
    evaluator.restore();
  }
}

/** n points from −r to r; the middle one is exactly 0 when n is odd. */
export function linspace(r: number, n: number): number[] {
  if (n === 1) return [0];
  return Array.from({ length: n }, (_, i) => (r * (2 * i - (n - 1))) / (n - 1));
}

function checkedCount(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 1001) throw new RangeError(`${what} must be a whole number from 1 to 1001, got ${n}`);
  return n;
}

function checkedRange(r: number): number {
  if (!(r > 0) || !Number.isFinite(r)) throw new RangeError(`range must be a positive number, got ${r}`);
  return r;
}
