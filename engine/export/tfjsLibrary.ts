/**
 * The TensorFlow.js building blocks an exported ES module may need, as JavaScript
 * source that uses only `@tensorflow/tfjs`. They restate the forward of the engine's
 * node kinds (engine/nodes/...) for inference, op for op, so the exported module gives
 * Tensorloom's outputs without importing Tensorloom: change them together. `v(name)`
 * reads a variable of the node being run.
 */
export interface JsBlock {
  needs: string[];
  code: string;
}

export const JS_BLOCKS: Record<string, JsBlock> = {
  linear: {
    needs: [],
    code: `
/** x·W + b on the last axis, for any rank of x. W is [in, out]. */
function linear(x, weight, bias) {
  const flat = x.rank === 2 ? x : tf.reshape(x, [-1, x.shape[x.rank - 1]]);
  let y = tf.matMul(flat, weight);
  if (bias) y = tf.add(y, bias);
  return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), weight.shape[1]]);
}`,
  },

  layerNorm: {
    needs: [],
    code: `
/** (x − mean) / √(var + eps) over the last axis (biased variance), then γ·y + β when given. */
function layerNorm(x, eps, gamma, beta) {
  const { mean, variance } = tf.moments(x, -1, true);
  let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  if (gamma) y = tf.add(tf.mul(y, gamma), beta);
  return y;
}`,
  },

  gelu: {
    needs: [],
    code: `
/** Exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)). */
function gelu(x) {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}`,
  },

  geluTanh: {
    needs: [],
    code: `
/** GELU's tanh approximation, ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
function geluTanh(x) {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}`,
  },

  softmaxAlong: {
    needs: [],
    code: `
/** Softmax along one axis (tf.softmax works on the last one only). */
function softmaxAlong(x, axis) {
  const last = x.rank - 1;
  if (axis === last) return tf.softmax(x);
  const perm = [...Array(x.rank).keys()];
  [perm[axis], perm[last]] = [perm[last], perm[axis]];
  return tf.transpose(tf.softmax(tf.transpose(x, perm)), perm);
}`,
  },

  embedding: {
    needs: [],
    code: `
/** Row \`id\` of the table [vocab, dim] for every id: [B, ...] → [B, ..., dim]. */
function embedding(ids, weight) {
  const rows = tf.gather(weight, tf.cast(tf.reshape(ids, [-1]), 'int32'));
  return tf.reshape(rows, [...ids.shape, weight.shape[1]]);
}`,
  },

  patchify: {
    needs: [],
    code: `
/** Images [B, H, W(, C)] → [B, (H/p)·(W/p), p·p·C]: patches row by row, inside by pixel row, column, channel (ViT). */
function patchify(x, p) {
  const [b, h, w, c = 1] = x.shape;
  const grid = tf.reshape(x, [b, h / p, p, w / p, p, c]);
  return tf.reshape(tf.transpose(grid, [0, 1, 3, 2, 4, 5]), [b, (h / p) * (w / p), p * p * c]);
}`,
  },

  clsToken: {
    needs: [],
    code: `
/** Puts the learned token [1, 1, D] in front of every sequence: [B, T, D] → [B, T+1, D]. */
function clsToken(x, token) {
  return tf.concat([tf.broadcastTo(token, [x.shape[0], 1, x.shape[2]]), x], 1);
}`,
  },

  selectToken: {
    needs: [],
    code: `
/** x[:, index]: [B, T, ...] → [B, ...]. */
function selectToken(x, index) {
  const begin = x.shape.map((_, i) => (i === 1 ? index : 0));
  const size = x.shape.map((d, i) => (i === 1 ? 1 : d));
  return tf.squeeze(tf.slice(x, begin, size), [1]);
}`,
  },

  topKGates: {
    needs: [],
    code: `
/** Gates [N, E]: a softmax over each row's k largest logits, exactly 0 elsewhere. */
function topKGates(logits, k) {
  const { indices } = tf.topk(logits, k);
  const chosen = tf.cast(tf.sum(tf.oneHot(indices, logits.shape[1]), 1), 'float32');
  return tf.softmax(tf.add(logits, tf.mul(tf.sub(chosen, 1), 1e9)));
}`,
  },

  moe: {
    needs: ['topKGates', 'gelu'],
    code: `
/**
 * Mixture of MLP experts: y = Σ_e g_e · (act(x·W1_e + b1_e)·W2_e + b2_e), g the top-k gate of
 * x·W_g + b_g. Every expert runs on every token and the gates (0 where not chosen) weigh them.
 */
function moe(x, v, { topK, units, activation }) {
  const d = x.shape[x.rank - 1];
  const tokens = tf.reshape(x, [-1, d]);
  const n = tokens.shape[0];
  const gates = topKGates(tf.add(tf.matMul(tokens, v('gate_weight')), v('gate_bias')), topK);
  const [e, , h] = v('w1').shape;
  const w1 = tf.reshape(tf.transpose(v('w1'), [1, 0, 2]), [d, e * h]);
  const pre = tf.add(tf.reshape(tf.matMul(tokens, w1), [n, e, h]), v('b1'));
  const hidden = activation === 'gelu' ? gelu(pre) : tf.relu(pre);
  const weighted = tf.reshape(tf.mul(hidden, tf.expandDims(gates, 2)), [n, e * h]);
  const y = tf.add(tf.matMul(weighted, tf.reshape(v('w2'), [e * h, units])), tf.matMul(gates, v('b2')));
  return tf.reshape(y, [...x.shape.slice(0, -1), units]);
}`,
  },

  moa: {
    needs: ['topKGates'],
    code: `
/**
 * Mixture of attention heads (JetMoE): per-expert query and output projections, shared keys
 * and values. y_t = Σ_e g_e · W_o^e · Attn(x_t·W_q^e, X·W_k, X·W_v) + b_o.
 */
function moa(x, v, { topK, heads, headDim, causal }) {
  const [b, t, d] = x.shape;
  const e = v('w_q').shape[0];
  const n = b * t;
  const hd = heads * headDim;
  const tokens = tf.reshape(x, [n, d]);
  const gates = topKGates(tf.matMul(tokens, v('gate_weight')), topK);
  const split = (p) => tf.transpose(tf.reshape(p, [b, t, heads, headDim]), [0, 2, 1, 3]); // [B, H, T, d]
  const keys = split(tf.matMul(tokens, v('w_k')));
  const values = split(tf.matMul(tokens, v('w_v')));
  const wq = tf.reshape(tf.transpose(v('w_q'), [1, 0, 2]), [d, e * hd]);
  const queries = tf.reshape(tf.transpose(tf.reshape(tf.matMul(tokens, wq), [b, t, e, heads, headDim]), [0, 3, 2, 1, 4]), [b, heads, e * t, headDim]);
  let scores = tf.mul(tf.matMul(queries, keys, false, true), 1 / Math.sqrt(headDim));
  if (causal) {
    const lower = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
    scores = tf.add(scores, tf.tile(tf.mul(tf.sub(lower, 1), 1e9), [e, 1]));
  }
  const attended = tf.matMul(tf.softmax(scores), values); // [B, H, E·T, d]
  const perExpert = tf.reshape(tf.transpose(tf.reshape(attended, [b, heads, e, t, headDim]), [0, 3, 2, 1, 4]), [n, e, hd]);
  const weighted = tf.reshape(tf.mul(perExpert, tf.expandDims(gates, 2)), [n, e * hd]);
  const y = tf.add(tf.matMul(weighted, tf.reshape(v('w_o'), [e * hd, d])), v('b_o'));
  return tf.reshape(y, [b, t, d]);
}`,
  },

  modLin: {
    needs: ['linear', 'layerNorm'],
    code: `
const NI_EPS = 1e-6; // ε of C = C̃ / (ε + Σ_u C̃) and W = W̃ / (ε + Σ_j W̃) (Neural Interpreters)

/** ModLin(x; c) = W (x ⊗ LayerNorm(W_c c)) + b for every function: x [B, U, T, in], codes [U, codeDim]. */
function modLin(x, codes, v, prefix) {
  const modulation = layerNorm(tf.matMul(codes, v(prefix + '.W_c')), 1e-5);
  const xPrime = tf.mul(x, tf.reshape(modulation, [1, codes.shape[0], 1, x.shape[x.rank - 1]]));
  return linear(xPrime, v(prefix + '.weight'), v(prefix + '.bias'));
}`,
  },

  modMlp: {
    needs: ['modLin', 'gelu'],
    code: `
/** ModLin_L ∘ GELU ∘ … ∘ ModLin_1, all with the same codes. */
function modMlp(x, codes, v, prefix, layers) {
  let h = x;
  for (let l = 0; l < layers; l++) {
    if (l > 0) h = gelu(h);
    h = modLin(h, codes, v, prefix + '.' + l);
  }
  return h;
}`,
  },

  modAttention: {
    needs: ['modLin'],
    code: `
/**
 * Modulated multi-head attention for every function: W̃_uhij = C_ui C_uj softmax_j(q_uhi·k_uhj/√d),
 * W = W̃ / (ε + Σ_j W̃), y_ui = ModLin_out([Σ_j W_uhij v_uhj]_h). compatibility [B, U, T] or null (C ≡ 1).
 */
function modAttention(x, codes, compatibility, v, prefix, heads, keyDim) {
  const [batch, functions, tokens] = x.shape;
  const streams = batch * functions;
  const split = (t) => tf.reshape(tf.transpose(tf.reshape(t, [streams, tokens, heads, keyDim]), [0, 2, 1, 3]), [streams * heads, tokens, keyDim]);
  const q = split(modLin(x, codes, v, prefix + '.query'));
  const k = split(modLin(x, codes, v, prefix + '.key'));
  const values = split(modLin(x, codes, v, prefix + '.value'));
  let weights = tf.reshape(tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(keyDim))), [batch, functions, heads, tokens, tokens]);
  if (compatibility) {
    const ci = tf.reshape(compatibility, [batch, functions, 1, tokens, 1]);
    const cj = tf.reshape(compatibility, [batch, functions, 1, 1, tokens]);
    weights = tf.mul(weights, tf.mul(ci, cj));
  }
  weights = tf.div(weights, tf.add(tf.sum(weights, -1, true), NI_EPS));
  const y = tf.matMul(tf.reshape(weights, [streams * heads, tokens, tokens]), values);
  const folded = tf.reshape(tf.transpose(tf.reshape(y, [streams, heads, tokens, keyDim]), [0, 2, 1, 3]), [batch, functions, tokens, heads * keyDim]);
  return modLin(folded, codes, v, prefix + '.out');
}`,
  },

  modAttn: {
    needs: ['modAttention'],
    code: `
/** ModAttn node: self-attention modulated by one learned code, C ≡ 1. */
function modAttn(x, v, { heads, keyDim, codeDim }) {
  const code = tf.reshape(v('code'), [1, codeDim]);
  return tf.squeeze(modAttention(tf.expandDims(x, 1), code, null, v, 'attn', heads, keyDim), [1]);
}`,
  },

  script: {
    needs: ['modAttention', 'modMlp', 'layerNorm', 'linear', 'gelu'],
    code: `
/** x / max(‖x‖, 1e-12) on the last axis. */
function unitNormalize(x) {
  return tf.div(x, tf.maximum(tf.sqrt(tf.sum(tf.square(x), -1, true)), 1e-12));
}

/** Type matching: C_ui = C̃_ui / (ε + Σ_u C̃_ui), C̃_ui = exp(−d/σ) if d = 1 − s_u·t_i < τ else 0. → [B, U, T]. */
function compatibilities(x, v, truncation, temperature) {
  const [batch, tokens] = x.shape;
  const hidden = gelu(linear(x, v('typeInference.0.weight'), v('typeInference.0.bias')));
  const types = unitNormalize(linear(hidden, v('typeInference.1.weight'), v('typeInference.1.bias')));
  const s = unitNormalize(v('signatures'));
  const cosine = tf.matMul(tf.reshape(types, [batch * tokens, s.shape[1]]), s, false, true);
  const distance = tf.transpose(tf.reshape(tf.sub(1, cosine), [batch, tokens, s.shape[0]]), [0, 2, 1]);
  const raw = tf.mul(tf.exp(tf.div(tf.neg(distance), temperature)), tf.cast(tf.less(distance, truncation), 'float32'));
  return tf.div(raw, tf.add(tf.sum(raw, 1, true), NI_EPS));
}

/** One line of code over the streams [B, U, T, D]: a = x + C·ModAttn(LN(x)), y = a + C·ModMLP(LN(a)). */
function lineOfCode(x, codes, compatibility, v, prefix, p) {
  const c = tf.expandDims(compatibility, -1);
  const norm = (t, name) => layerNorm(t, 1e-5, v(prefix + '.' + name + '.weight'), v(prefix + '.' + name + '.bias'));
  const a = tf.add(x, tf.mul(c, modAttention(norm(x, 'attnNorm'), codes, compatibility, v, prefix + '.attn', p.heads, p.keyDim)));
  return tf.add(a, tf.mul(c, modMlp(norm(a, 'mlpNorm'), codes, v, prefix + '.mlp', p.mlpLayers)));
}

/** Script: FnIter (type matching, then the interpreter) \`iterations\` times with the same weights. */
function script(x, v, p) {
  const codes = v('codes');
  for (let i = 0; i < p.iterations; i++) {
    const compatibility = compatibilities(x, v, p.truncation, p.temperature);
    const xu = tf.expandDims(x, 1);
    let streams = tf.broadcastTo(xu, [x.shape[0], codes.shape[0], x.shape[1], x.shape[2]]);
    for (let l = 0; l < p.loc; l++) streams = lineOfCode(streams, codes, compatibility, v, 'loc' + l, p);
    x = tf.add(x, tf.sum(tf.mul(tf.expandDims(compatibility, -1), tf.sub(streams, xu)), 1));
  }
  return x;
}`,
  },
};
