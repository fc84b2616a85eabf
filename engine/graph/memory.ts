import type { TensorType } from '../shapes/types.js';
import { sampleSize } from '../shapes/types.js';
import type { CheckedNode, ResolvedEdge } from './validate.js';

/** Training memory above this is refused before anything is allocated (overridable). */
export const DEFAULT_MEMORY_LIMIT = 8 * 1024 ** 3;

const FLOAT_BYTES = 4;
/** Weights, their gradients and Adam's two moments. */
const COPIES_PER_WEIGHT = 4;
/** Activations are kept for the backward pass, which makes gradients of the same size. */
const COPIES_PER_ACTIVATION = 2;

export interface MemoryEstimate {
  bytes: number;
  largest: { nodeId: string; nodeType: string; bytes: number } | null;
}

/**
 * Estimates the memory of one training step from symbolic shapes alone, so a layer
 * too large for memory is refused with a message instead of crashing the allocator.
 */
export function estimateMemory(
  order: string[],
  nodes: Map<string, CheckedNode>,
  edges: ResolvedEdge[],
  outputTypes: Record<string, Record<string, TensorType>>,
  batchSize: number,
): MemoryEstimate {
  const incoming = new Map<string, ResolvedEdge[]>();
  for (const e of edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e]);
  let total = 0;
  let largest: MemoryEstimate['largest'] = null;
  for (const id of order) {
    const n = nodes.get(id)!;
    const inputs: Record<string, TensorType> = {};
    for (const e of incoming.get(id) ?? []) {
      const t = outputTypes[e.source]?.[e.sourcePort];
      if (t) inputs[e.targetPort] = t;
    }
    let bytes = 0;
    const outs = outputTypes[id];
    if (outs) {
      for (const t of Object.values(outs)) bytes += sampleSize(t.shape) * batchSize * FLOAT_BYTES * COPIES_PER_ACTIVATION;
      if (n.kind.variables && n.kind.inputs.every((p) => p.optional || inputs[p.name])) {
        for (const v of n.kind.variables(n.params, inputs)) {
          bytes += v.shape.reduce((a, b) => a * b, 1) * FLOAT_BYTES * COPIES_PER_WEIGHT;
        }
      }
    }
    total += bytes;
    if (!largest || bytes > largest.bytes) largest = { nodeId: id, nodeType: n.node.type, bytes };
  }
  return { bytes: total, largest };
}
