import type { CompiledModel, CompiledNode } from '../../compile/compile.js';

/**
 * A ReLU network read as a plain chain of operations on the input, in float64:
 * Input.x → (Linear | ReLU | Dropout | Flatten)* → output. This is the form both tree
 * methods need: every hidden unit is one ReLU output, and between ReLUs the map is affine.
 * Dropout is the identity at inference and Flatten only reshapes (the inputs are taken
 * as features in row-major order), so both are skipped.
 */
export type ChainOp =
  | {
      kind: 'affine';
      nodeId: string;
      /** [inDim, outDim] row-major, as the engine stores a Linear weight (y = x·W + b). */
      weight: Float64Array;
      bias: Float64Array | null;
      inDim: number;
      outDim: number;
    }
  | { kind: 'relu'; nodeId: string; width: number };

export interface ReluChain {
  inputDim: number;
  outputDim: number;
  ops: ChainOp[];
  /** The node whose output is the network's output (the logits). */
  outputNodeId: string;
  /**
   * The ReLU layers, in order (indices into `ops`), and for compiled models the output
   * their pre-activations come from.
   */
  hidden: { nodeId: string; op: number; width: number; input?: { source: string; port: string } }[];
}

export class ChainError extends Error {
  override name = 'ChainError';
  constructor(message: string, readonly nodeId?: string) {
    super(message);
  }
}

/**
 * Reads a compiled model as a ReLU chain, or throws a ChainError naming the node that
 * breaks the pattern and saying what the tree methods accept.
 */
export function reluChain(model: CompiledModel): ReluChain {
  const input = model.nodes.find((n) => n.kind.role === 'input');
  if (!input) throw new ChainError('the graph has no Input node');
  const consumers = new Map<string, { node: CompiledNode; port: string; fromPort: string }[]>();
  for (const n of model.nodes) {
    for (const [port, from] of Object.entries(n.inputs)) {
      const list = consumers.get(from.source) ?? [];
      list.push({ node: n, port, fromPort: from.port });
      consumers.set(from.source, list);
    }
  }
  const xShape = input.outputTypes.x?.shape ?? [];
  const dims = xShape.slice(1);
  if (xShape.length < 2 || dims.some((v) => typeof v !== 'number') || input.outputTypes.x?.dtype !== 'float32') {
    throw new ChainError(`the input x is [${xShape}] (${input.outputTypes.x?.dtype}); the tree methods need float features [B, ...]`, input.id);
  }
  // Inputs are the features in row-major order (what Flatten gives the first Linear).
  const inputDim = (dims as number[]).reduce((a, b) => a * b, 1);
  let flat = xShape.length === 2;
  const ops: ChainOp[] = [];
  const hidden: ReluChain['hidden'] = [];
  let width = inputDim;
  let current = input;
  let port = 'x';
  for (;;) {
    const next = (consumers.get(current.id) ?? []).filter((c) => c.fromPort === port && c.node.kind.role !== 'loss');
    if (next.length === 0) break;
    if (next.length > 1) {
      throw new ChainError(
        `node "${current.id}" feeds ${next.length} nodes (${next.map((c) => `"${c.node.id}"`).join(', ')}); the tree methods need a single chain Input → Linear → ReLU → … → Linear`,
        current.id,
      );
    }
    const node = next[0].node;
    if (node.type === 'Linear' && !flat) {
      throw new ChainError(`node "${node.id}" (Linear) gets [${current.outputTypes[port]?.shape}]; put a Flatten before it so the tree sees flat features`, node.id);
    }
    if (node.type === 'Flatten') {
      flat = true;
    } else if (node.type === 'Linear') {
      const w = node.vars.weight;
      const [inDim, outDim] = w.shape as [number, number];
      ops.push({
        kind: 'affine',
        nodeId: node.id,
        weight: Float64Array.from(w.dataSync() as Float32Array),
        bias: node.vars.bias ? Float64Array.from(node.vars.bias.dataSync() as Float32Array) : null,
        inDim,
        outDim,
      });
      width = outDim;
    } else if (node.type === 'ReLU') {
      hidden.push({ nodeId: node.id, op: ops.length, width, input: node.inputs.in });
      ops.push({ kind: 'relu', nodeId: node.id, width });
    } else if (node.type !== 'Dropout') {
      throw new ChainError(
        `node "${node.id}" (${node.type}) is not Linear, ReLU, Dropout or Flatten; the exact tree and C-Net need a ReLU network Input → Linear → ReLU → … → Linear`,
        node.id,
      );
    }
    current = node;
    port = 'out';
  }
  if (ops.length === 0) throw new ChainError('nothing follows the Input node: there is no network to turn into a tree', input.id);
  if (current.outputTypes.out?.shape.length !== 2) {
    throw new ChainError(`the output of "${current.id}" has shape [${current.outputTypes.out?.shape}]; the tree methods need [B, outputs]`, current.id);
  }
  return { inputDim, outputDim: width, ops, outputNodeId: current.id, hidden };
}

/** Builds a chain from plain layers (tests, hand-made examples): weights [in, out] row-major. */
export function chainFromLayers(inputDim: number, layers: { weight: number[][]; bias: number[]; relu: boolean }[]): ReluChain {
  const ops: ChainOp[] = [];
  const hidden: ReluChain['hidden'] = [];
  let width = inputDim;
  layers.forEach((layer, i) => {
    const inDim = layer.weight.length;
    const outDim = layer.weight[0].length;
    if (inDim !== width) throw new Error(`layer ${i}: weight has ${inDim} rows, expected ${width}`);
    ops.push({ kind: 'affine', nodeId: `l${i}`, weight: Float64Array.from(layer.weight.flat()), bias: Float64Array.from(layer.bias), inDim, outDim });
    width = outDim;
    if (layer.relu) {
      hidden.push({ nodeId: `r${i}`, op: ops.length, width });
      ops.push({ kind: 'relu', nodeId: `r${i}`, width });
    }
  });
  return { inputDim, outputDim: width, ops, outputNodeId: `l${layers.length - 1}`, hidden };
}

/**
 * Float64 forward pass of one input. Returns the outputs and, per ReLU layer, its
 * pre-activations (a unit is active when its pre-activation is > 0, as tf.relu).
 */
export function chainForward(chain: ReluChain, x: ArrayLike<number>): { outputs: Float64Array; pre: Float64Array[] } {
  let h = Float64Array.from(x as ArrayLike<number>);
  const pre: Float64Array[] = [];
  for (const op of chain.ops) {
    if (op.kind === 'affine') {
      const out = new Float64Array(op.outDim);
      if (op.bias) out.set(op.bias);
      for (let i = 0; i < op.inDim; i++) {
        const v = h[i];
        if (v === 0) continue;
        const row = i * op.outDim;
        for (let j = 0; j < op.outDim; j++) out[j] += v * op.weight[row + j];
      }
      h = out;
    } else {
      pre.push(h.slice());
      for (let j = 0; j < h.length; j++) if (!(h[j] > 0)) h[j] = 0;
    }
  }
  return { outputs: h, pre };
}
