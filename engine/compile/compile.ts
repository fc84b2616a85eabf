import { tf } from '../tf.js';
// Leaner gradients (Sum, Mean, the binary arithmetic ops, ReLU) and saved tensors shared
// rather than cloned, set up before any model trains.
import '../backend/reduceGradients.js';
import '../backend/binaryGradients.js';
import '../backend/reluGradient.js';
import '../backend/leanTape.js';
import type { NodeKind } from '../nodes/kind.js';
import type { ParamValue } from '../nodes/params.js';
import type { TensorType } from '../shapes/types.js';
import type { Graph } from '../graph/schema.js';
import type { Problem } from '../graph/problems.js';
import { formatProblem, hasErrors } from '../graph/problems.js';
import type { ValidationResult } from '../graph/validate.js';
import { hashSeed } from '../util/hash.js';
import { initialValue } from './initializers.js';

export interface CompiledNode {
  id: string;
  type: string;
  kind: NodeKind<any>;
  params: Record<string, ParamValue>;
  /** Where each input port is fed from. */
  inputs: Record<string, { source: string; port: string }>;
  inputTypes: Record<string, TensorType>;
  outputTypes: Record<string, TensorType>;
  /** This node's variables by their short name. */
  vars: Record<string, tf.Variable>;
}

export interface ForwardOptions {
  training: boolean;
  /** Training step, mixed into the per-node seeds of random ops (dropout). */
  step?: number;
  /** Keep every node's outputs (for inspection and NaN tracing); otherwise only what later nodes need. */
  keepOutputs?: boolean;
}

export interface ForwardResult {
  /** Sum of all loss nodes and weighted auxiliary losses; null when the graph has no loss. */
  loss: tf.Scalar | null;
  losses: Record<string, tf.Scalar>;
  auxLosses: Record<string, tf.Scalar>;
  metrics: Record<string, tf.Scalar>;
  outputs: Record<string, Record<string, tf.Tensor>>;
  records: Record<string, Record<string, tf.Tensor>>;
}

export class CompileError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n'));
    this.name = 'CompileError';
  }
}

/**
 * A graph made runnable: seeded variables, named `<nodeId>/<variable>`, and a forward
 * function over one batch. Same graph and seed give the same initial weights on every
 * backend; the node order is topological.
 */
export class CompiledModel {
  readonly nodes: CompiledNode[];
  readonly variables = new Map<string, tf.Variable>();

  constructor(readonly graph: Graph, validation: ValidationResult, readonly seed: number) {
    if (hasErrors(validation.problems) || !validation.graph) throw new CompileError(validation.problems);
    const incoming = new Map<string, Record<string, { source: string; port: string }>>();
    for (const e of validation.edges) {
      incoming.set(e.target, { ...(incoming.get(e.target) ?? {}), [e.targetPort]: { source: e.source, port: e.sourcePort } });
    }
    this.nodes = validation.order.map((id) => {
      const checked = validation.nodes.get(id)!;
      const inputs = incoming.get(id) ?? {};
      const inputTypes = Object.fromEntries(
        Object.entries(inputs).map(([port, from]) => [port, validation.outputTypes[from.source][from.port]]),
      );
      const vars: Record<string, tf.Variable> = {};
      for (const spec of checked.kind.variables?.(checked.params, inputTypes) ?? []) {
        const name = `${id}/${spec.name}`;
        // tfjs variable names are global to the process; ours are per model, so tfjs picks its own.
        const init = initialValue(spec.shape, spec.init, hashSeed(seed, name));
        const v = tf.variable(init, true);
        init.dispose();
        vars[spec.name] = v;
        this.variables.set(name, v);
      }
      return { id, type: checked.node.type, kind: checked.kind, params: checked.params, inputs, inputTypes, outputTypes: validation.outputTypes[id] ?? {}, vars };
    });
  }

  get parameterCount(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /**
   * Runs the graph on one batch (`feed.x`, `feed.y`). Call inside tf.tidy or dispose the
   * result's tensors; intermediate outputs no later node needs are released as it goes.
   */
  forward(feed: Record<string, tf.Tensor>, options: ForwardOptions): ForwardResult {
    const result: ForwardResult = { loss: null, losses: {}, auxLosses: {}, metrics: {}, outputs: {}, records: {} };
    const remainingUses = this.countUses();
    for (const node of this.nodes) {
      const inputs: Record<string, tf.Tensor> = {};
      for (const [port, from] of Object.entries(node.inputs)) inputs[port] = result.outputs[from.source][from.port];
      const records: Record<string, tf.Tensor> = {};
      const out = node.kind.forward({
        nodeId: node.id,
        params: node.params,
        inputs,
        inputTypes: node.inputTypes,
        vars: node.vars,
        training: options.training,
        seed: hashSeed(this.seed, node.id, options.step ?? 0),
        feed,
        addAuxLoss: (name, value) => void (result.auxLosses[`${node.id}.${name}`] = value),
        addMetric: (name, value) => void (result.metrics[name in result.metrics ? `${node.id}.${name}` : name] = value),
        record: (key, value) => void (records[key] = value),
      });
      if (Object.keys(records).length) result.records[node.id] = records;
      if (node.kind.role === 'loss') result.losses[node.id] = out.loss as tf.Scalar;
      else result.outputs[node.id] = out;
      if (!options.keepOutputs) this.release(node, result, remainingUses);
    }
    const terms = [...Object.values(result.losses), ...Object.values(result.auxLosses)];
    if (terms.length) result.loss = (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
    return result;
  }

  /** How many later nodes read each node's outputs. */
  private countUses(): Map<string, number> {
    const uses = new Map<string, number>();
    for (const n of this.nodes) for (const from of Object.values(n.inputs)) uses.set(from.source, (uses.get(from.source) ?? 0) + 1);
    return uses;
  }

  /** Drops references to outputs no later node reads, so the result holds only what is asked for. */
  private release(node: CompiledNode, result: ForwardResult, uses: Map<string, number>): void {
    for (const from of Object.values(node.inputs)) {
      const left = (uses.get(from.source) ?? 1) - 1;
      uses.set(from.source, left);
      if (left === 0) delete result.outputs[from.source];
    }
  }

  /** Variable values as plain arrays by name (checkpoints, export). */
  weights(): Record<string, { shape: number[]; data: Float32Array }> {
    const out: Record<string, { shape: number[]; data: Float32Array }> = {};
    for (const [name, v] of this.variables) out[name] = { shape: v.shape.slice(), data: v.dataSync() as Float32Array };
    return out;
  }

  setWeights(weights: Record<string, { shape: number[]; data: Float32Array }>): void {
    for (const [name, v] of this.variables) {
      const w = weights[name];
      if (!w) throw new Error(`the checkpoint has no weights for "${name}"`);
      if (w.shape.join() !== v.shape.join()) throw new Error(`weights "${name}" have shape [${w.shape}] in the checkpoint but [${v.shape}] in the graph`);
      v.assign(tf.tensor(w.data, v.shape));
    }
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}
