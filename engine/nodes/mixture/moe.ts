import { tf } from '../../tf.js';
import { defineKind, fail, ok, type PortError } from '../kind.js';
import type { TensorType } from '../../shapes/types.js';
import { checkRoutingParams, reportRouting, routeTopK, routingParams, type TopKRouting } from './topkGate.js';
import { groupedLinear } from '../../backend/groupedMatMul.js';
import { MOE_EXPERTS } from '../../backend/kernelNames.js';

/**
 * Mixture of MLP experts with a top-k softmax gate (Shazeer et al. 2017; the balance
 * loss of Switch Transformers, Fedus et al. 2021). Per token x:
 *   logits = x·W_g + b_g,  g = softmax over the k largest logits (0 elsewhere)
 *   y = Σ_e g_e · (act(x·W1_e + b1_e)·W2_e + b2_e)
 */
export const MoE = defineKind({
  type: 'MoE',
  group: 'Mixture',
  summary: 'Mixture of MLP experts with top-k routing and a load-balancing loss',
  doc: [
    'Routes each token (each row of the last axis) to the `topK` experts with the largest gate logits. The gate weights are a softmax over those k logits only; the output is the gate-weighted sum of the chosen experts, each an MLP `Linear(D→hidden) → activation → Linear(hidden→units)`.',
    '',
    'Adds `balanceWeight · E · Σ f_i · P_i` to the loss (Switch Transformer), where f_i is the share of assignments expert i received and P_i its mean gate probability: 1 when balanced, up to E when one expert takes every token.',
    '',
    'Records `routing` (tokens per expert) and `gates` ([tokens, experts]) for the panels.',
  ].join('\n'),
  inputs: [{ name: 'in', doc: 'Tokens with features on the last axis: [B, D] or [B, T, D]' }],
  outputs: [{ name: 'out', doc: '[..., units]' }],
  params: {
    experts: routingParams.experts,
    topK: routingParams.topK,
    hidden: { kind: 'int', default: 64, min: 1, max: 1 << 16, doc: 'Hidden width of each expert MLP' },
    units: { kind: 'int', default: 32, min: 1, max: 1 << 16, doc: 'Output features' },
    balanceWeight: routingParams.balanceWeight,
    activation: { kind: 'enum', default: 'relu', options: ['relu', 'gelu'], doc: 'Activation inside each expert (GELU is the exact erf form)' },
  },
  inferShapes({ params, inputs }) {
    const errors: PortError[] = [];
    const paramError = checkRoutingParams(params);
    if (paramError) errors.push(paramError);
    const inputError = checkTokens(inputs.in);
    if (inputError) errors.push(inputError);
    if (errors.length) return fail(...errors);
    const x = inputs.in;
    return ok({ out: { dtype: 'float32', shape: [...x.shape.slice(0, -1), params.units] } });
  },
  variables(params, inputs) {
    const d = featureDim(inputs.in);
    const { experts: e, hidden: h, units: u } = params;
    // PyTorch nn.Linear's default: U(±1/√fan_in) for weights and biases alike.
    const fromInput = { kind: 'uniform' as const, limit: 1 / Math.sqrt(d) };
    const fromHidden = { kind: 'uniform' as const, limit: 1 / Math.sqrt(h) };
    return [
      { name: 'gate_weight', shape: [d, e], init: fromInput },
      { name: 'gate_bias', shape: [e], init: fromInput },
      { name: 'w1', shape: [e, d, h], init: fromInput },
      { name: 'b1', shape: [e, h], init: fromInput },
      { name: 'w2', shape: [e, h, u], init: fromHidden },
      { name: 'b2', shape: [e, u], init: fromHidden },
    ];
  },
  forward(ctx) {
    const { inputs, vars, params } = ctx;
    const x = inputs.in;
    const d = x.shape[x.rank - 1];
    const tokens = tf.reshape(x, [-1, d]) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(tokens, vars.gate_weight as tf.Tensor2D), vars.gate_bias) as tf.Tensor2D;
    const routing = routeTopK(logits, params.topK);
    reportRouting(ctx, routing, params.balanceWeight);
    // Sparse dispatch needs a scatter-add (UnsortedSegmentSum), which also backs gather's
    // gradient; where the backend lacks it (wasm), every expert runs on every token.
    const y = tf.getKernel('UnsortedSegmentSum', tf.getBackend())
      ? sparseExperts(tokens, routing, vars, params.activation)
      : denseExperts(tokens, routing.gates, vars, params.activation);
    return { out: tf.reshape(y, [...x.shape.slice(0, -1), params.units]) };
  },
});

/** Input check shared with the shape rule: float tokens with a numeric feature axis. */
function checkTokens(x: TensorType | undefined): PortError | null {
  if (!x) return { port: 'in', message: 'input "in" is not connected' };
  if (x.dtype !== 'float32') return { port: 'in', message: `expects float32 features, got ${x.dtype} (put an Embedding first)` };
  if (x.shape.length < 2) return { port: 'in', message: 'expects tokens with a feature axis: [B, D] or [B, T, D]' };
  if (x.shape[x.shape.length - 1] === 'B') return { port: 'in', message: 'the last axis must be a feature axis, not the batch' };
  return null;
}

function featureDim(type: TensorType | undefined): number {
  const d = type?.shape[type.shape.length - 1];
  return typeof d === 'number' ? d : 1;
}

/**
 * Each token through its k experts only: the routing is read back, the tokens are
 * gathered in expert order (one block of rows per expert), each expert's two layers run
 * on its block (groupedLinear), and the gate-weighted results are added back to their
 * tokens. Costs k expert passes per token where the dense form costs E.
 */
function sparseExperts(x: tf.Tensor2D, routing: TopKRouting, vars: Record<string, tf.Tensor>, activation: string): tf.Tensor2D {
  const [n, e] = routing.gates.shape;
  const plan = dispatchPlan(routing.mask.dataSync(), n, e);
  const rows = tf.tensor1d(plan.rows, 'int32');
  if (activation === 'relu' && tf.getKernel(MOE_EXPERTS, tf.getBackend())) {
    // The whole layer as one kernel where the backend has it (native): same arithmetic.
    const inputs = { x, gates: routing.gates, w1: vars.w1, b1: vars.b1, w2: vars.w2, b2: vars.b2, rows, gateIndex: tf.tensor1d(plan.gateIndex, 'int32') };
    return tf.engine().runKernel(MOE_EXPERTS, inputs, { sizes: plan.sizes } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  const xs = tf.gather(x, rows) as tf.Tensor2D;
  const hidden = activate(groupedLinear(xs, vars.w1 as tf.Tensor3D, vars.b1 as tf.Tensor2D, plan.sizes), activation) as tf.Tensor2D;
  const y = groupedLinear(hidden, vars.w2 as tf.Tensor3D, vars.b2 as tf.Tensor2D, plan.sizes);
  // The gate of each (token, expert) assignment, differentiable through the gather.
  const gate = tf.gather(tf.reshape(routing.gates, [n * e]), tf.tensor1d(plan.gateIndex, 'int32'));
  return tf.unsortedSegmentSum(tf.mul(y, tf.expandDims(gate, 1)), rows, n) as tf.Tensor2D;
}

interface DispatchPlan {
  /** Token of each assignment, grouped by expert (tokens ascending within a group). */
  rows: Int32Array;
  /** Index n·E + e of each assignment in the flattened gates. */
  gateIndex: Int32Array;
  /** Assignments per expert. */
  sizes: number[];
}

/** The assignments of a [N, E] 0/1 routing mask, grouped by expert. */
function dispatchPlan(mask: ArrayLike<number>, n: number, e: number): DispatchPlan {
  const sizes = new Array<number>(e).fill(0);
  for (let t = 0; t < n; t++) for (let j = 0; j < e; j++) if (mask[t * e + j] !== 0) sizes[j]++;
  const total = sizes.reduce((s, c) => s + c, 0);
  const rows = new Int32Array(total);
  const gateIndex = new Int32Array(total);
  const next = new Array<number>(e);
  for (let j = 0, at = 0; j < e; j++) {
    next[j] = at;
    at += sizes[j];
  }
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < e; j++) {
      if (mask[t * e + j] === 0) continue;
      rows[next[j]] = t;
      gateIndex[next[j]++] = t * e + j;
    }
  }
  return { rows, gateIndex, sizes };
}

/**
 * Every expert on every token, combined by the gates: exact, but it costs E expert
 * passes where sparse dispatch costs k. Used where the backend cannot scatter-add.
 */
function denseExperts(
  x: tf.Tensor2D,
  gates: tf.Tensor2D,
  vars: Record<string, tf.Tensor>,
  activation: string,
): tf.Tensor2D {
  const [e, d, h] = vars.w1.shape;
  const u = vars.w2.shape[2] as number;
  const n = x.shape[0];
  // All first layers in one matMul: W1 laid out [D, E·H].
  const w1 = tf.reshape(tf.transpose(vars.w1, [1, 0, 2]), [d, e * h]) as tf.Tensor2D;
  const hidden = activate(tf.add(tf.reshape(tf.matMul(x, w1), [n, e, h]), vars.b1), activation);
  // Σ_e g_e (h_e·W2_e + b2_e) = (g ⊙ h)·[W2_1; …; W2_E] + g·b2: one matMul for all second layers.
  const weighted = tf.reshape(tf.mul(hidden, tf.expandDims(gates, 2)), [n, e * h]) as tf.Tensor2D;
  const w2 = tf.reshape(vars.w2, [e * h, u]) as tf.Tensor2D;
  return tf.add(tf.matMul(weighted, w2), tf.matMul(gates, vars.b2 as tf.Tensor2D)) as tf.Tensor2D;
}

function activate(x: tf.Tensor, activation: string): tf.Tensor {
  if (activation === 'gelu') {
    // PyTorch's default GELU: x · Φ(x) = ½x(1 + erf(x/√2)).
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  }
  return tf.relu(x);
}
