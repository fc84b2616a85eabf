import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BACKEND_ORDER, initBackend, parseBackendName } from '../../backend/select.js';
import { loadCheckpoint } from '../../checkpoint/checkpoint.js';
import { CompiledModel } from '../../compile/compile.js';
import { describeDataset, loadDataset } from '../../data/registry.js';
import type { LoadedDataset } from '../../data/spec.js';
import { formatProblem, hasErrors } from '../../graph/problems.js';
import { DEFAULT_TRAINING } from '../../graph/schema.js';
import { validateGraphText } from '../../graph/validate.js';
import { DEFAULT_NODE_LIMIT, extractCNet, extractExactTree, type TreeResult } from '../../analysis/tree/index.js';
import { parseCommandArgs, UsageError } from '../main.js';

const USAGE = 'usage: tensorloom tree FILE --checkpoint DIR [--method exact|cnet] [--json] [--limit N] [--no-lp] [--backend B] [--seed S]';

export async function runTree(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandArgs(args, {
      checkpoint: { type: 'string' },
      method: { type: 'string' },
      json: { type: 'boolean' },
      limit: { type: 'string' },
      'no-lp': { type: 'boolean' },
      backend: { type: 'string' },
      seed: { type: 'string' },
    });
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    throw err;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usage('name one graph file');
  if (!values.checkpoint) return usage('--checkpoint DIR is required (train with `tensorloom train FILE --out DIR`)');
  const method = values.method ?? 'exact';
  if (method !== 'exact' && method !== 'cnet') return usage(`--method must be exact or cnet, got "${method}"`);
  const limit = values.limit === undefined ? DEFAULT_NODE_LIMIT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) return usage(`--limit must be a whole number ≥ 1, got "${values.limit}"`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) return usage(`--seed must be a whole number, got "${values.seed}"`);
  const backend = values.backend === undefined ? undefined : parseBackendName(values.backend);
  if (backend === null) return usage(`unknown backend "${values.backend}" (use one of: ${BACKEND_ORDER.join(', ')})`);
  const json = Boolean(values.json);
  const fail = failer('tree', json);

  const loaded = await loadTrained(positionals[0], values.checkpoint, backend);
  if ('error' in loaded) return fail(loaded.code, loaded.error);
  const { model, data, backendLabel } = loaded;
  let result: TreeResult;
  try {
    result = method === 'exact'
      ? await extractExactTree(model, data, { limit, seed, ...(values['no-lp'] ? { lp: false } : {}) })
      : await extractCNet(model, data, { seed });
  } catch (err) {
    return fail('analysis', (err as Error).message);
  } finally {
    model.dispose();
  }
  if (json) {
    console.log(JSON.stringify({ backend: backendLabel, ...result }));
    return 0;
  }
  printTree(result);
  return 0;
}

function printTree(r: TreeResult): void {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(2)}%`);
  if (r.method === 'exact') {
    console.log(`exact tree: ${r.size} nodes, depth ${r.depth}, ${r.regions} regions (${r.hiddenUnits} hidden units; at most ${r.regionBound ?? '∞'} regions)`);
    console.log(`fidelity to the network: ${pct(r.fidelity)} of ${r.fidelitySamples} random inputs (${pct(r.coverage)} in regions of the tree${r.addedOnDemand ? `, ${r.addedOnDemand} added on demand` : ''})`);
    console.log(`LP: ${r.lp.used ? `${r.lp.checks} checks, ${r.lp.pruned} impossible branches pruned` : 'off'}; ${r.complete ? 'complete on the data box' : 'incomplete'}`);
  } else {
    console.log(`C-Net tree on ${r.hiddenLayer.nodeId} (${r.hiddenLayer.width} units): ${r.size} nodes, depth ${r.depth}, ${r.regions} leaves`);
    console.log(`fidelity to the network: ${pct(r.fidelity)} (test), ${pct(r.trainFidelity)} (train); with the input rules: ${pct(r.inputRuleFidelity)}`);
  }
  console.log(`test accuracy: tree ${pct(r.accuracy)}, network ${pct(r.networkAccuracy)}`);
  if (r.warning) console.log(`warning: ${r.warning}`);
  const shown = r.rules.slice(0, 10);
  console.log(`rules (${shown.length} of ${r.rules.length}; --json for all):`);
  for (const rule of shown) console.log(`  IF ${rule.conditions.join(' AND ') || 'always'}\n     THEN ${rule.conclusion}`);
}

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
  const baseDir = dirname(resolve(file));
  const validation = validateGraphText(text, { describeDataset: (ref) => describeDataset(ref, { baseDir }) });
  if (hasErrors(validation.problems) || !validation.graph) {
    const errors = validation.problems.filter((p) => p.severity === 'error');
    return { error: `${file}: the graph has ${errors.length} problem${errors.length === 1 ? '' : 's'}:\n${errors.map((p) => `  ${formatProblem(p)}`).join('\n')}`, code: 'graph' };
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

/** Reports a failure as the train command does: a JSON error line, or a message on stderr. */
export function failer(command: string, json: boolean): (code: string, message: string) => number {
  return (code, message) => {
    if (json) console.log(JSON.stringify({ event: 'error', code, message }));
    else console.error(`tensorloom ${command}: ${message}`);
    return 1;
  };
}

function usage(message: string): number {
  console.error(`tensorloom tree: ${message}\n${USAGE}`);
  return 2;
}
