import { tf } from '../tf.js';
import type { CompiledModel } from '../compile/compile.js';
import type { LoadedDataset } from '../data/spec.js';
import { MAX_INSPECT_VALUES, type NodeInspection } from '../protocol/messages.js';
import { concreteShape, sampleSize } from '../shapes/types.js';
import { AnalysisError } from './confusion.js';

/** Examples run together with the chosen one, for the distribution of the node's outputs. */
export const INSPECT_BATCH = 256;
const BINS = 32;

type Histogram = { min: number; max: number; counts: number[] };

/**
 * What a node computes after training: its outputs on one example of the test split
 * (the train split when there is no test split), the distribution of its first output
 * over the batch of examples around it, its weights, and the routing it recorded
 * (MoE: tokens per expert; Script: compatibilities of each function with each element).
 */
export async function inspectNode(model: CompiledModel, data: LoadedDataset, nodeId: string, sample: number): Promise<NodeInspection> {
  const node = model.nodes.find((n) => n.id === nodeId);
  if (!node) throw new AnalysisError('not-found', `the trained model has no node "${nodeId}" (was it added after training?)`);
  const split = data.test.count > 0 ? data.test : data.train;
  if (sample >= split.count) throw new AnalysisError('out-of-range', `sample ${sample} is out of range: the ${split === data.test ? 'test' : 'train'} split has ${split.count} examples`);
  const start = Math.floor(sample / INSPECT_BATCH) * INSPECT_BATCH;
  const size = Math.min(INSPECT_BATCH, split.count - start);
  const offset = sample - start;
  const xRow = sampleSize(data.spec.x.shape);
  const yRow = sampleSize(data.spec.y.shape);

  const kept = tf.tidy(() => {
    const x = tf.tensor(split.x.slice(start * xRow, (start + size) * xRow), concreteShape(data.spec.x.shape, size), data.spec.x.dtype);
    const y = tf.tensor(split.y.slice(start * yRow, (start + size) * yRow), concreteShape(data.spec.y.shape, size), data.spec.y.dtype);
    const r = model.forward({ x, y }, { training: false, keepOutputs: true });
    const outputs: Record<string, tf.Tensor> = node.kind.role === 'loss' ? (r.losses[nodeId] ? { loss: r.losses[nodeId] } : {}) : { ...(r.outputs[nodeId] ?? {}) };
    return { outputs, records: { ...(r.records[nodeId] ?? {}) } };
  });
  try {
    const result: NodeInspection = { nodeId, sample: {}, histogram: null, weights: {} };
    let first = true;
    for (const [port, t] of Object.entries(kept.outputs)) {
      const values = await t.data();
      const batched = t.rank > 0 && t.shape[0] === size;
      const per = batched ? values.length / size : values.length;
      const row = batched ? values.subarray(offset * per, (offset + 1) * per) : values;
      result.sample[port] = { shape: batched ? t.shape.slice(1) : t.shape.slice(), values: Array.from(row.subarray(0, MAX_INSPECT_VALUES)) };
      if (first) result.histogram = histogram(values);
      first = false;
    }
    for (const [name, v] of Object.entries(node.vars)) {
      const values = await v.data();
      result.weights[name] = {
        shape: v.shape.slice(),
        values: Array.from(values.subarray(0, MAX_INSPECT_VALUES)),
        ...(values.length > MAX_INSPECT_VALUES ? { truncated: true } : {}),
        histogram: histogram(values),
      };
    }
    await addRouting(result, kept.records, offset);
    return result;
  } finally {
    for (const t of [...Object.values(kept.outputs), ...Object.values(kept.records)]) t.dispose();
  }
}

async function addRouting(result: NodeInspection, records: Record<string, tf.Tensor>, offset: number): Promise<void> {
  const routing = records.routing;
  const compatibility = records.compatibility;
  if (routing?.rank === 1) {
    // MoE: tokens routed to each expert in this batch.
    result.routing = Array.from(await routing.data());
  } else if (routing && compatibility?.rank === 3) {
    // Script: compatibility [B, U, T] of each function u with each element t; routing
    // [B, T] the function each element went to (−1: none could read it).
    const [, functions, elements] = compatibility.shape;
    const chosen = await routing.data();
    const counts = new Array<number>(functions).fill(0);
    for (const u of chosen) if (u >= 0 && u < functions) counts[u]++;
    result.routing = counts;
    const c = await compatibility.data();
    const base = offset * functions * elements;
    result.functionRouting = Array.from({ length: functions }, (_, u) => Array.from(c.subarray(base + u * elements, base + (u + 1) * elements)));
  }
}

/** Counts of finite values in BINS equal bins between their min and max. */
export function histogram(values: ArrayLike<number>): Histogram {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(BINS).fill(0);
  if (min > max) return { min: 0, max: 0, counts };
  const width = (max - min) / BINS;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[width > 0 ? Math.min(BINS - 1, Math.floor((v - min) / width)) : 0]++;
  }
  return { min, max, counts };
}
