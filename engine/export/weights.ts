import { toSafetensorsKey } from '../checkpoint/checkpoint.js';
import { encodeSafetensors } from '../checkpoint/safetensors.js';
import { ExportError, type ExportPlan } from './plan.js';

/** Variable values by their Tensorloom name (`h1/weight`), as CompiledModel.weights() and checkpoints give them. */
export type WeightMap = Record<string, { shape: number[]; data: Float32Array }>;

/**
 * Checks that `weights` hold exactly the graph's variables with the graph's shapes, so an
 * export never pairs a graph with another graph's checkpoint. Names the first mismatch.
 */
export function checkExportWeights(plan: ExportPlan, weights: WeightMap, from = 'the checkpoint'): void {
  const expected = new Map<string, number[]>(plan.nodes.flatMap((n) => n.variables.map((v): [string, number[]] => [`${n.id}/${v.name}`, v.shape])));
  for (const [name, shape] of expected) {
    const w = weights[name];
    if (!w) throw new ExportError(`${from} has no weights for "${name}": was it saved from another graph?`);
    if (w.shape.join() !== shape.join()) {
      throw new ExportError(`weights "${name}" have shape [${w.shape}] in ${from} but [${shape}] in the graph: was it saved from another version of the graph?`);
    }
  }
  const extra = Object.keys(weights).filter((name) => !expected.has(name));
  if (extra.length) {
    throw new ExportError(`${from} has weights the graph does not have (${extra.slice(0, 3).map((n) => `"${n}"`).join(', ')}${extra.length > 3 ? ', …' : ''}): was it saved from another graph?`);
  }
}

/**
 * The weights as a safetensors file in the checkpoint's naming (`h1.weight` keys, exact
 * names in `__metadata__["tensorloom.names"]`), which the exported Python module reads.
 */
export function encodeExportSafetensors(plan: ExportPlan, weights: WeightMap): Uint8Array {
  const names: Record<string, string> = {};
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  for (const n of plan.nodes) {
    for (const v of n.variables) {
      const name = `${n.id}/${v.name}`;
      const key = toSafetensorsKey(name);
      if (names[key] !== undefined) throw new ExportError(`variables "${names[key]}" and "${name}" would both be stored as "${key}"; rename one of the nodes`);
      names[key] = name;
      tensors[key] = { dtype: 'F32', shape: weights[name].shape, data: weights[name].data };
    }
  }
  return encodeSafetensors(tensors, { format: 'tensorloom', 'tensorloom.names': JSON.stringify(names) });
}
