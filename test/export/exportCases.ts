import { mkdirSync, readdirSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../engine/tf.js';
import { saveCheckpoint } from '../../engine/checkpoint/checkpoint.js';
import { CompiledModel } from '../../engine/compile/compile.js';
import { describeDataset } from '../../engine/data/registry.js';
import type { Graph } from '../../engine/graph/schema.js';
import { formatProblem, hasErrors } from '../../engine/graph/problems.js';
import { validateGraph, type ValidationResult } from '../../engine/graph/validate.js';
import { exportToDirectory } from '../../engine/export/exportGraph.js';
import { planExport } from '../../engine/export/plan.js';
import { hashSeed } from '../../engine/util/hash.js';

export const REPO = join(import.meta.dirname, '../..');

export interface Tensorish {
  shape: number[];
  data: number[];
}

/** One graph made ready for the export tests: checkpoint, exports, inputs and Tensorloom's answers. */
export interface ExportCase {
  name: string;
  graph: Graph;
  validation: ValidationResult;
  pytorchDir: string;
  tfjsDir: string;
  x: { shape: number[]; dtype: 'float32' | 'int32'; data: number[] };
  y: { shape: number[]; dtype: 'float32' | 'int32'; data: number[] };
  /** Tensorloom's outputs by output name (as the exported forward returns them). */
  outputs: Record<string, Tensorish>;
  loss: number | null;
  singleOutput: boolean;
}

/** Every template graph, by folder name. */
export function templateGraphs(): { name: string; graph: Graph; baseDir: string }[] {
  const root = join(REPO, 'templates');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'graph.loom.json')))
    .map((d) => ({ name: `template ${d.name}`, graph: JSON.parse(readFileSync(join(root, d.name, 'graph.loom.json'), 'utf8')) as Graph, baseDir: join(root, d.name) }));
}

/**
 * Compiles the graph with its seed, moves every weight away from its initial value (as
 * training would: a ones/zeros LayerNorm or a zero bias could hide a mix-up), saves a
 * checkpoint, exports it to PyTorch and TensorFlow.js through the CLI's code path, and
 * runs Tensorloom's forward (inference mode) on a small random batch.
 */
export async function prepareCase(name: string, graph: Graph, baseDir: string, workDir: string, batch = 3): Promise<ExportCase> {
  const validation = validateGraph(graph, { describeDataset: (ref) => describeDataset(ref, { baseDir }) });
  if (hasErrors(validation.problems)) throw new Error(`${name}: ${validation.problems.map(formatProblem).join('; ')}`);
  const seed = graph.training?.seed ?? 1;
  const model = new CompiledModel(graph, validation, seed);
  const dir = join(workDir, name.replace(/[^A-Za-z0-9_-]+/g, '_'));
  mkdirSync(dir, { recursive: true });
  try {
    for (const [variable, v] of model.variables) {
      v.assign(tf.tidy(() => tf.add(v, tf.randomNormal(v.shape, 0, 0.1, 'float32', hashSeed(99, variable)))));
    }
    const checkpointDir = join(dir, 'checkpoint');
    await saveCheckpoint(checkpointDir, { graph, weights: model.variables, trainerState: { step: 3, epoch: 1 } });

    const input = validation.outputTypes[planExport(validation).input!.id];
    const x = makeInput(input.x, batch, hashSeed(seed, name, 'x'));
    const y = makeInput(input.y, batch, hashSeed(seed, name, 'y'));
    // Float targets of more than one value per sample are distributions (KLDiv's p): softmax them.
    if (y.dtype === 'float32' && y.shape.length > 1) y.data = tf.tidy(() => Array.from(tf.softmax(tf.tensor(y.data, y.shape)).dataSync()));
    const plan = planExport(validation);
    let expected!: { outputs: Record<string, Tensorish>; loss: number | null };
    tf.tidy(() => {
      const result = model.forward(
        { x: tf.tensor(x.data, x.shape, x.dtype), y: tf.tensor(y.data, y.shape, y.dtype) },
        { training: false, keepOutputs: true },
      );
      const inputId = plan.input!.id;
      const outputs = Object.fromEntries(
        plan.outputs.map((o) => {
          const t = o.nodeId === inputId ? tf.tensor(x.data, x.shape) : result.outputs[o.nodeId][o.port];
          return [o.name, { shape: t.shape, data: Array.from(t.dataSync()) }];
        }),
      );
      expected = { outputs, loss: result.loss ? result.loss.dataSync()[0] : null };
    });

    const pytorchDir = join(dir, 'pytorch');
    const tfjsDir = join(dir, 'tfjs');
    const common = { validation, checkpointDir, seed, source: `${name}.loom.json` };
    await exportToDirectory({ ...common, target: 'pytorch', outDir: pytorchDir });
    await exportToDirectory({ ...common, target: 'tfjs', outDir: tfjsDir });
    // The exported module imports '@tensorflow/tfjs' as any project would: give its folder the packages.
    symlinkSync(join(REPO, 'node_modules'), join(tfjsDir, 'node_modules'), 'dir');
    return { name, graph, validation, pytorchDir, tfjsDir, x, y, outputs: expected.outputs, loss: expected.loss, singleOutput: plan.outputs.length === 1 };
  } finally {
    model.dispose();
  }
}

/** A seeded batch of the given type: normal floats, or ids in [0, range). */
function makeInput(type: { shape: (number | 'B')[]; dtype: 'float32' | 'int32'; range?: number }, batch: number, seed: number) {
  const shape = type.shape.map((d) => (d === 'B' ? batch : d));
  const data = tf.tidy(() =>
    type.dtype === 'int32'
      ? Array.from(tf.randomUniform(shape, 0, type.range ?? 2, 'int32', seed).dataSync())
      : Array.from(tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync()),
  );
  return { shape, dtype: type.dtype, data };
}

/** Nested lists, as Python's torch.tensor() takes them. */
export function nest(data: number[], shape: number[]): unknown {
  if (shape.length <= 1) return data.slice(0, shape[0] ?? data.length);
  const step = data.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(data.slice(i * step, (i + 1) * step), shape.slice(1)));
}

/** max |ours − theirs| / (1 + |theirs|): absolute near zero, relative for larger values. */
export function maxError(ours: Tensorish, theirs: Tensorish): number {
  if (ours.shape.join() !== theirs.shape.join()) return Infinity;
  return theirs.data.reduce((m, v, i) => Math.max(m, Math.abs(ours.data[i] - v) / (1 + Math.abs(v))), 0);
}

/** The output(s) an exporter returned, by output name. */
export function byName(c: ExportCase, returned: unknown): Record<string, Tensorish> {
  if (c.singleOutput) return { [Object.keys(c.outputs)[0]]: returned as Tensorish };
  return returned as Record<string, Tensorish>;
}
