import { tf } from '../tf.js';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { CompiledModel } from '../compile/compile.js';
import { describeDataset } from '../data/registry.js';
import { validateGraph, type ValidationResult } from '../graph/validate.js';
import { bundleToWire, exportModel, writeExportBundle, type ExportBundle, type ExportBundleWire, type ExportTarget } from './bundle.js';
import type { WeightMap } from './weights.js';

/** The untrained weights `train` starts from: the graph compiled with its seed. */
export function initialWeights(validation: ValidationResult, seed: number): WeightMap {
  const model = new CompiledModel(validation.graph!, validation, seed);
  try {
    return model.weights();
  } finally {
    model.dispose();
  }
}

/** A checkpoint's weights (the optimizer state it also holds is released). */
export async function checkpointWeights(dir: string): Promise<{ weights: WeightMap; step: number; epoch: number }> {
  const checkpoint = await loadCheckpoint(dir);
  tf.dispose(Object.values(checkpoint.optimizerState));
  return { weights: checkpoint.weights, step: checkpoint.trainerState.step, epoch: checkpoint.trainerState.epoch };
}

export interface ExportToDirectoryOptions {
  validation: ValidationResult;
  target: ExportTarget;
  outDir: string;
  /** Export this checkpoint's weights; without it, the initial weights from `seed`. */
  checkpointDir?: string;
  seed: number;
  source?: string;
}

export interface ExportToDirectoryResult {
  bundle: ExportBundle;
  written: string[];
  weights: { from: 'checkpoint'; dir: string; step: number; epoch: number } | { from: 'initial'; seed: number };
}

/** What `tensorloom export` does: pick the weights, export, write the files. */
export async function exportToDirectory(options: ExportToDirectoryOptions): Promise<ExportToDirectoryResult> {
  let weights: WeightMap;
  let from: ExportToDirectoryResult['weights'];
  if (options.checkpointDir) {
    const loaded = await checkpointWeights(options.checkpointDir);
    weights = loaded.weights;
    from = { from: 'checkpoint', dir: options.checkpointDir, step: loaded.step, epoch: loaded.epoch };
  } else {
    weights = initialWeights(options.validation, options.seed);
    from = { from: 'initial', seed: options.seed };
  }
  const bundle = exportModel(options.validation, options.target, weights, {
    source: options.source,
    weightsFrom: options.checkpointDir ? `the checkpoint ${options.checkpointDir}` : 'the initial weights',
  });
  const written = await writeExportBundle(bundle, options.outDir);
  return { bundle, written, weights: from };
}

/**
 * The engine service's export (the app's code view and Save As): a graph from the
 * renderer, with a run's weights (`CompiledModel.weights()`) or, before any training,
 * the initial ones from the graph's seed. Returns plain JSON (binary files in base64).
 * Throws ExportError listing the graph's problems, or naming the weight that does not fit.
 */
export function exportForProtocol(
  graph: unknown,
  target: ExportTarget,
  options: { weights?: WeightMap; baseDir?: string } = {},
): ExportBundleWire {
  const validation = validateGraph(graph, { describeDataset: (ref) => describeDataset(ref, { baseDir: options.baseDir }) });
  const weights = options.weights ?? (validation.graph && !validation.problems.some((p) => p.severity === 'error')
    ? initialWeights(validation, validation.graph.training?.seed ?? 1)
    : {});
  return bundleToWire(exportModel(validation, target, weights, { weightsFrom: options.weights ? 'the run' : 'the initial weights' }));
}
