import type { CompiledModel } from '../../compile/compile.js';
import type { LoadedDataset } from '../../data/spec.js';
import type { BiasTreatment } from './directions.js';
import { LossEvaluator, type EvaluatorOptions } from './evaluator.js';
import { sliceWith, type SliceResult } from './landscape.js';
import type { Cancellable } from './progress.js';
import { measureSharpness, type SharpnessOptions, type SharpnessResult } from './sharpness.js';

export interface CompareOptions extends Cancellable, EvaluatorOptions {
  split?: 'train' | 'test';
  points?: number;
  range?: number;
  seed?: number;
  bias?: BiasTreatment;
  sharpness?: Omit<SharpnessOptions, 'signal' | 'onProgress'> | false;
}

export interface ComparedRun {
  label: string;
  slice: SliceResult;
  sharpness?: SharpnessResult;
}

export interface CompareResult {
  /** The same α for every run. */
  alphas: number[];
  runs: ComparedRun[];
}

/**
 * Trained models side by side (e.g. the same network trained with SGD and with SAM):
 * each along its own filter-normalised 1-D slice and with its own sharpness. The raw
 * direction comes from the same seed for every run, and filter normalisation scales it
 * to each run's own weights, so the curves are comparable although the weights differ
 * (Li et al.'s reason for the normalisation).
 */
export async function compareRuns(runs: { label: string; model: CompiledModel }[], data: LoadedDataset, options: CompareOptions = {}): Promise<CompareResult> {
  const split = options.split ?? 'train';
  const out: ComparedRun[] = [];
  for (const { label, model } of runs) {
    const onProgress = options.onProgress && ((p: Parameters<NonNullable<Cancellable['onProgress']>>[0]) => options.onProgress!({ ...p, run: label }));
    const evaluator = new LossEvaluator(model, data[split], data.spec, options);
    try {
      const slice = await sliceWith(evaluator, model.weights(), split, { ...options, onProgress, run: label });
      const sharpness =
        options.sharpness === false ? undefined : await measureSharpness(evaluator, { ...(options.sharpness ?? {}), signal: options.signal, onProgress });
      out.push({ label, slice, ...(sharpness ? { sharpness } : {}) });
    } finally {
      evaluator.dispose();
    }
  }
  return { alphas: out[0]?.slice.alphas ?? [], runs: out };
}
