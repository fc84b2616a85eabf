import { tf } from '../../tf.js';
import { defineKind, fail, ok, type PortError } from '../kind.js';
import { checkRoutingParams, reportRouting, routeTopK, routingParams } from './topkGate.js';

/**
 * Mixture of attention heads as in JetMoE (Shen et al. 2024), after MoA (Zhang et al.
 * 2022). Each expert e owns a query projection W_q^e and an output projection W_o^e;
 * the key and value projections W_k, W_v are shared by all experts. For token t:
 *   g = top-k softmax gate of x_t·W_g (no router bias, as JetMoE)
 *   y_t = Σ_e g_e · W_o^e · Attn(x_t·W_q^e, X·W_k, X·W_v) + b_o
 * with `heads` heads of size `headDim` per expert, attending to the shared key/value
 * heads of the same index. Projections have no bias; b_o is one bias shared by the
 * experts (JetMoE's). Positions are not encoded here (JetMoE adds RoPE; in Tensorloom
 * position comes from the graph).
 */
export const MoA = defineKind({
  type: 'MoA',
  group: 'Mixture',
  summary: 'Mixture of attention heads (JetMoE): per-expert queries and outputs, shared keys and values',
  doc: [
    'Self-attention whose heads are experts. Each token is routed to the `topK` experts with the largest router logits; each expert has its own query and output projections, while keys and values are computed once and shared by all experts, as in JetMoE.',
    '',
    'The gate weights are a softmax over the chosen experts\' logits; the output is their gate-weighted sum plus a shared bias. With `causal`, a token attends only to itself and earlier tokens.',
    '',
    'Adds the Switch Transformer load-balancing loss weighted by `balanceWeight`, and records `routing` (tokens per expert) and `gates` ([tokens, experts]) for the panels.',
  ].join('\n'),
  inputs: [{ name: 'in', doc: 'A sequence of tokens: [B, T, D]' }],
  outputs: [{ name: 'out', doc: '[B, T, D]' }],
  params: {
    experts: routingParams.experts,
    topK: routingParams.topK,
    heads: { kind: 'int', default: 2, min: 1, max: 256, doc: 'Attention heads per expert (also the number of shared key/value heads)' },
    headDim: { kind: 'int', default: 16, min: 1, max: 4096, doc: 'Size of each attention head' },
    causal: { kind: 'boolean', default: true, doc: 'Each token attends only to itself and earlier tokens' },
    balanceWeight: routingParams.balanceWeight,
  },
  inferShapes({ params, inputs }) {
    const errors: PortError[] = [];
    const paramError = checkRoutingParams(params);
    if (paramError) errors.push(paramError);
    const x = inputs.in;
    if (!x) errors.push({ port: 'in', message: 'input "in" is not connected' });
    else if (x.dtype !== 'float32') errors.push({ port: 'in', message: `expects float32 features, got ${x.dtype} (put an Embedding first)` });
    else if (x.shape.length !== 3) errors.push({ port: 'in', message: `expects a sequence [B, T, D], got ${x.shape.length} axes [${x.shape.join(', ')}]` });
    else if (x.shape[1] === 'B' || x.shape[2] === 'B') errors.push({ port: 'in', message: 'the sequence and feature axes must be fixed sizes, not the batch' });
    if (errors.length || !x) return fail(...errors);
    return ok({ out: { dtype: 'float32', shape: [...x.shape] } });
  },
  variables(params, inputs) {
    const dim = inputs.in?.shape[2];
    const d = typeof dim === 'number' ? dim : 1;
    const { experts: e } = params;
    const hd = params.heads * params.headDim;
    const fromInput = { kind: 'uniform' as const, limit: 1 / Math.sqrt(d) };
    // Projections output heads side by side: column h·headDim + j is dim j of head h.
    return [
      { name: 'gate_weight', shape: [d, e], init: fromInput },
      { name: 'w_q', shape: [e, d, hd], init: fromInput },
      { name: 'w_k', shape: [d, hd], init: fromInput },
      { name: 'w_v', shape: [d, hd], init: fromInput },
      { name: 'w_o', shape: [e, hd, d], init: { kind: 'uniform' as const, limit: 1 / Math.sqrt(hd) } },
      { name: 'b_o', shape: [d], init: { kind: 'zeros' as const } },
    ];
  },
  forward(ctx) {
    const { inputs, vars, params } = ctx;
    const x = inputs.in;
    const [b, t, d] = x.shape;
    const { experts: e, heads: h, headDim: dh } = params;
    const n = b * t;
    const hd = h * dh;
    const tokens = tf.reshape(x, [n, d]) as tf.Tensor2D;

    const routing = routeTopK(tf.matMul(tokens, vars.gate_weight as tf.Tensor2D), params.topK);
    reportRouting(ctx, routing, params.balanceWeight);

    // Shared keys and values, computed once: [B, H, T, dh].
    const keys = splitHeads(tf.matMul(tokens, vars.w_k as tf.Tensor2D), b, t, h, dh);
    const values = splitHeads(tf.matMul(tokens, vars.w_v as tf.Tensor2D), b, t, h, dh);
    // Every expert's queries in one matMul, stacked on the query axis of each head:
    // [N, E·H·dh] → [B, T, E, H, dh] → [B, H, E, T, dh] → [B, H, E·T, dh].
    const wq = tf.reshape(tf.transpose(vars.w_q, [1, 0, 2]), [d, e * hd]) as tf.Tensor2D;
    const queries = tf.reshape(tf.transpose(tf.reshape(tf.matMul(tokens, wq), [b, t, e, h, dh]), [0, 3, 2, 1, 4]), [b, h, e * t, dh]);

    // Dense over experts, like MoE: exact, sparse dispatch is a later performance step.
    let scores = tf.mul(tf.matMul(queries, keys, false, true), 1 / Math.sqrt(dh)); // [B, H, E·T, T]
    if (params.causal) scores = tf.add(scores, causalMask(t, e));
    const attended = tf.matMul(tf.softmax(scores), values); // [B, H, E·T, dh]
    const perExpert = tf.reshape(tf.transpose(tf.reshape(attended, [b, h, e, t, dh]), [0, 3, 2, 1, 4]), [n, e, hd]);

    // Σ_e g_e · a_e·W_o^e = (g ⊙ a)·[W_o^1; …; W_o^E]: one matMul for all output projections.
    const weighted = tf.reshape(tf.mul(perExpert, tf.expandDims(routing.gates, 2)), [n, e * hd]) as tf.Tensor2D;
    const y = tf.add(tf.matMul(weighted, tf.reshape(vars.w_o, [e * hd, d]) as tf.Tensor2D), vars.b_o);
    return { out: tf.reshape(y, [b, t, d]) };
  },
});

/** [N, H·dh] → [B, H, T, dh]. */
function splitHeads(projected: tf.Tensor, b: number, t: number, h: number, dh: number): tf.Tensor4D {
  return tf.transpose(tf.reshape(projected, [b, t, h, dh]), [0, 2, 1, 3]);
}

/** [E·T, T]: 0 where query position ≥ key position, -1e9 (exp → 0) above the diagonal; repeated per expert. */
function causalMask(t: number, experts: number): tf.Tensor2D {
  const lower = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
  return tf.tile(tf.mul(tf.sub(lower, 1), 1e9), [experts, 1]) as tf.Tensor2D;
}
