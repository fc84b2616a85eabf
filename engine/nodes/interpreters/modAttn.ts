import { tf } from '../../tf.js';
import { defineKind, fail, ok, type ShapeResult } from '../kind.js';
import type { TensorType } from '../../shapes/types.js';
import { modAttention, modAttnSpecs } from './modAttention.js';
import { FunctionCodes } from './modLin.js';
import { need } from './ops.js';
import { attentionDims, keyDimOf } from './tokens.js';

const params = {
  heads: { kind: 'int', default: 4, min: 1, max: 64, doc: 'Attention heads h' },
  keyDim: { kind: 'int', default: 16, min: 0, max: 4096, doc: 'd_key, the size of each head\'s queries, keys and values; 0 means D / heads' },
  codeDim: { kind: 'int', default: 16, min: 1, max: 4096, doc: 'd_cond, the size of the learned code c' },
} as const;

interface Resolved {
  dim: number;
  keyDim: number;
}

function resolve(p: { heads: number; keyDim: number }, input: TensorType | undefined): Resolved | ShapeResult {
  const dims = attentionDims(input, 'ModAttn', p.heads, p.keyDim);
  return 'error' in dims ? fail(dims.error) : dims;
}

/** Modulated multi-head self-attention with one learned code c, every element fully compatible (C ≡ 1). */
export const ModAttn = defineKind({
  type: 'ModAttn',
  group: 'Neural Interpreters',
  summary: 'Multi-head self-attention modulated by a learned code',
  doc: [
    'Self-attention whose queries, keys, values and output are **ModLin** layers conditioned on one learned code `c` (Neural Interpreters, Rahaman et al. 2021):',
    '',
    '- `ModLin(x; c) = W (x ⊗ LayerNorm(W_c c)) + b`',
    '- `q_hi, k_hi, v_hi = ModLin^h(x_i; c)`, `W_hij = softmax_j(q_hi·k_hj/√d_key) / (ε + 1)`',
    '- `out_i = ModLin_out([Σ_j W_hij v_hj]_h; c)`',
    '',
    'Standalone, every element is compatible with the code (`C ≡ 1`). Inside a **Script** the same layer is weighted by the type-matching compatibilities. No residual: add one with an Add node.',
  ].join('\n'),
  inputs: [{ name: 'in', doc: 'A set of tokens [B, T, D]' }],
  outputs: [{ name: 'out', doc: '[B, T, D]' }],
  params,
  inferShapes({ params: p, inputs }) {
    const r = resolve(p, inputs.in);
    if ('ok' in r) return r;
    return ok({ out: inputs.in });
  },
  variables(p, inputs) {
    const r = resolve(p, inputs.in);
    if ('ok' in r) return [];
    return [
      { name: 'code', shape: [p.codeDim], init: { kind: 'normal', std: 1 } },
      ...modAttnSpecs('attn', { dim: r.dim, heads: p.heads, keyDim: r.keyDim, codeDim: p.codeDim }),
    ];
  },
  forward({ params: p, inputs, vars }) {
    const x = inputs.in;
    const dim = x.shape[x.rank - 1] as number;
    const keyDim = keyDimOf(dim, p.heads, p.keyDim);
    const code = tf.reshape(need(vars, 'code'), [1, p.codeDim]);
    const streams = tf.expandDims(x, 1); // one function: [B, 1, T, D]
    const y = modAttention(streams, new FunctionCodes(code, vars), null, vars, 'attn', p.heads, keyDim);
    return { out: tf.squeeze(y, [1]) };
  },
});
