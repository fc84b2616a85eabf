import { tf } from '../../tf.js';
import { defineKind, fail, ok, type ShapeResult } from '../kind.js';
import type { TensorType } from '../../shapes/types.js';
import { interpreter, interpreterSpecs, type InterpreterShape } from './interpreter.js';
import { FunctionCodes } from './modLin.js';
import { need } from './ops.js';
import { attentionDims, keyDimOf } from './tokens.js';
import { compatibilities, inferTypes, routingOf, typeMatchingSpecs } from './typeMatching.js';

const params = {
  functions: { kind: 'int', default: 4, min: 1, max: 64, doc: 'Functions f_u = (s_u, c_u) in the script' },
  typeDim: { kind: 'int', default: 16, min: 2, max: 1024, doc: 'd_type, the size of types t_i and signatures s_u' },
  codeDim: { kind: 'int', default: 16, min: 1, max: 4096, doc: 'd_cond, the size of each function code c_u' },
  loc: { kind: 'int', default: 2, min: 1, max: 32, doc: 'n_l, lines of code stacked in the interpreter' },
  iterations: { kind: 'int', default: 2, min: 1, max: 32, doc: 'n_i, function iterations (FnIter applied n_i times with the same parameters)' },
  heads: { kind: 'int', default: 4, min: 1, max: 64, doc: 'Attention heads of each ModAttn' },
  hidden: { kind: 'int', default: 128, min: 1, max: 65536, doc: 'Hidden width of each ModMLP and of the type-inference MLP' },
  truncation: { kind: 'number', default: 1.4, min: 0, max: 2, exclusiveMin: true, doc: 'τ: f_u cannot read x_i when 1 − s_u·t_i ≥ τ (2 disables truncation)' },
  keyDim: { kind: 'int', default: 16, min: 0, max: 4096, doc: 'd_key of each head; 0 means D / heads' },
  temperature: { kind: 'number', default: 1, min: 0, max: 100, exclusiveMin: true, doc: 'σ in C̃_ui = exp(−d(s_u, t_i) / σ)' },
  mlpLayers: { kind: 'int', default: 2, min: 1, max: 8, doc: 'L, ModLin layers in each ModMLP' },
} as const;

type ScriptParams = { [K in keyof typeof params]: number };

function resolve(p: ScriptParams, input: TensorType | undefined): InterpreterShape | ShapeResult {
  const dims = attentionDims(input, 'Script', p.heads, p.keyDim);
  return 'error' in dims ? fail(dims.error) : shapeOf(p, dims.dim, dims.keyDim);
}

function shapeOf(p: ScriptParams, dim: number, keyDim: number): InterpreterShape {
  return { dim, heads: p.heads, keyDim, codeDim: p.codeDim, hidden: p.hidden, mlpLayers: p.mlpLayers, loc: p.loc };
}

/**
 * A script of a Neural Interpreter: FnIter = type matching followed by the interpreter,
 * applied n_i times with the same parameters.
 */
export const Script = defineKind({
  type: 'Script',
  group: 'Neural Interpreters',
  summary: 'Neural Interpreters script: typed routing of tokens through learned functions',
  doc: [
    'One script of a Neural Interpreter (Rahaman et al. 2021). Each function `f_u` has a signature `s_u` and a code `c_u`.',
    '',
    '1. **Type matching**: `t_i = TypeInference(x_i)` on the unit sphere, `d = 1 − s_u·t_i`, `C̃_ui = exp(−d/σ)` if `d < τ` else 0, `C_ui = C̃_ui / (ε + Σ_u C̃_ui)`.',
    '2. **Interpreter**: each token runs through `loc` lines of code per function, `a_ui = x_ui + C_ui·ModAttn(LN(x_u); c_u, C_u)_i`, `y_ui = a_ui + C_ui·ModMLP(LN(a_ui); c_u)`, then `y_i = x_i + Σ_u C_ui (𝓛_ui − x_i)`.',
    '3. **FnIter** (1 then 2) repeats `iterations` times with shared parameters, so more iterations add depth, not parameters.',
    '',
    'A token no function can read (all `C_ui = 0`) passes unchanged. The panels show the compatibilities `C` of the last iteration and each token\'s routed function (−1 when none).',
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
    // Nothing here depends on `iterations`: every FnIter reuses these.
    return [
      { name: 'codes', shape: [p.functions, p.codeDim], init: { kind: 'normal', std: 1 } },
      ...typeMatchingSpecs(r.dim, p.hidden, p.typeDim, p.functions),
      ...interpreterSpecs(r),
    ];
  },
  forward({ params: p, inputs, vars, record }) {
    const dim = inputs.in.shape[inputs.in.rank - 1] as number;
    const shape = shapeOf(p, dim, keyDimOf(dim, p.heads, p.keyDim));
    // One set of codes for every FnIter, so each ModLin's modulation is computed once per pass.
    const codes = new FunctionCodes(need(vars, 'codes'), vars);
    const signatures = need(vars, 'signatures');
    let x = inputs.in;
    let compatibility: tf.Tensor | undefined;
    for (let i = 0; i < p.iterations; i++) {
      // FnIter: type matching, then the interpreter, with the same variables every time.
      compatibility = compatibilities(inferTypes(x, vars), signatures, p.truncation, p.temperature).compatibility;
      x = interpreter(x, codes, compatibility, vars, shape);
    }
    if (compatibility) {
      record('compatibility', compatibility);
      record('routing', routingOf(compatibility));
    }
    return { out: x };
  },
});
