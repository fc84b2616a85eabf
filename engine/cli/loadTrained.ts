import { readFile } from 'node:fs/promises';
import { initBackend } from '../backend/select.js';
import { loadCheckpoint } from '../checkpoint/checkpoint.js';
import { CompiledModel } from '../compile/compile.js';
import { loadDataset } from '../data/registry.js';
import type { LoadedDataset } from '../data/spec.js';
import { hasErrors } from '../graph/problems.js';
import { DEFAULT_TRAINING } from '../graph/schema.js';
import { graphProblemsMessage, validateGraphFile } from './graphFile.js';

export type LoadedTrained =
  | { model: CompiledModel; data: LoadedDataset; backendLabel: string; seed: number }
  | { error: string; code: 'graph' | 'checkpoint' | 'data' | 'backend' };

/**
 * A graph file, the weights of a checkpoint and the graph's dataset (the same seed, so
 * the same train/test split as in training): what the analysis commands work on.
 */
export async function loadTrained(file: string, checkpointDir: string, backend?: Parameters<typeof initBackend>[0]): Promise<LoadedTrained> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { error: `cannot read ${file}: ${(err as Error).message}`, code: 'graph' };
  }
  const { baseDir, validation } = validateGraphFile(file, text);
  if (hasErrors(validation.problems) || !validation.graph) {
    return { error: graphProblemsMessage(file, validation.problems.filter((p) => p.severity === 'error')), code: 'graph' };
  }
  let backendLabel: string;
  try {
    backendLabel = (await initBackend(backend)).name;
  } catch (err) {
    return { error: (err as Error).message, code: 'backend' };
  }
  const graph = validation.graph;
  const seed = { ...DEFAULT_TRAINING, ...graph.training }.seed ?? 1;
  let model: CompiledModel;
  try {
    const checkpoint = await loadCheckpoint(checkpointDir);
    for (const t of Object.values(checkpoint.optimizerState)) t.dispose();
    model = new CompiledModel(graph, validation, seed);
    try {
      model.setWeights(checkpoint.weights);
    } catch (err) {
      model.dispose();
      throw new Error(`${checkpointDir} does not fit ${file}: ${(err as Error).message}`);
    }
  } catch (err) {
    return { error: (err as Error).message, code: 'checkpoint' };
  }
  try {
    const data = await loadDataset(graph.dataset, seed, { baseDir });
    return { model, data, backendLabel, seed };
  } catch (err) {
    model.dispose();
    return { error: (err as Error).message, code: 'data' };
  }
}
