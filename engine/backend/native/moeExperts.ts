import { tf } from '../../tf.js';
import { MOE_EXPERTS } from '../kernelNames.js';
import { type Backend, type KernelConfig, type NativeContext, type TensorInfo, floatInput, floats, intInput, output, values } from './context.js';
import type { NativeBackend } from './backend.js';

/**
 * The mixture-of-experts layer as one native kernel: gather each expert's tokens, two
 * grouped layers through sgemm (bias and ReLU in the epilogue), gate-weighted scatter
 * back. What the gradient needs (the gathered tokens, hidden activations, expert outputs
 * and gate values) stays with the output's data and is recycled when it is released.
 * Built from tfjs ops, the same layer is ~100 kernels a step; each costs microseconds of
 * bookkeeping.
 */
interface Kept {
  xs: Float32Array;
  h: Float32Array;
  y: Float32Array;
  g: Float32Array;
  /** Arrays the backward pass used, recycled with the rest. */
  scratch: Float32Array[];
  sizes: number[];
  shape: { n: number; d: number; e: number; h: number; u: number; a: number };
}

const kept = new Map<object, Kept>();

export function moeKernels(ctx: NativeContext): KernelConfig[] {
  const relu = ctx.code.activation.get('relu')!;
  const linear = ctx.code.activation.get('linear')!;
  return [
    {
      kernelName: MOE_EXPERTS,
      backendName: 'native',
      kernelFunc: (args) => {
        const backend = args.backend as NativeBackend;
        const inputs = args.inputs as Record<string, TensorInfo>;
        const { sizes } = args.attrs as unknown as { sizes: number[] };
        const X = floatInput(backend, inputs.x, `${MOE_EXPERTS}: x`);
        const G = floatInput(backend, inputs.gates, `${MOE_EXPERTS}: gates`);
        const W1 = floatInput(backend, inputs.w1, `${MOE_EXPERTS}: w1`);
        const B1 = floatInput(backend, inputs.b1, `${MOE_EXPERTS}: b1`);
        const W2 = floatInput(backend, inputs.w2, `${MOE_EXPERTS}: w2`);
        const B2 = floatInput(backend, inputs.b2, `${MOE_EXPERTS}: b2`);
        const R = intInput(backend, inputs.rows, `${MOE_EXPERTS}: rows`);
        const GI = intInput(backend, inputs.gateIndex, `${MOE_EXPERTS}: gateIndex`);
        const [n, d] = inputs.x.shape;
        const [e, , h] = inputs.w1.shape;
        const u = inputs.w2.shape[2];
        const a = R.length;
        if (sizes.length !== e || sizes.reduce((s, c) => s + c, 0) !== a || GI.length !== a) {
          throw new Error(`${MOE_EXPERTS}: ${a} assignments do not match the group sizes [${sizes}]`);
        }
        const pool = backend.pool;
        const xs = pool.take(a * d);
        const bad = ctx.addon.gather(X, R, xs, 1, n, d);
        if (bad >= 0) throw new Error(`${MOE_EXPERTS}: token ${R[bad]} is not in [0, ${n - 1}]`);
        const hid = pool.take(a * h);
        const y = pool.take(a * u);
        // Both expert layers, experts spread over the BLAS threads (bias and ReLU in the epilogue).
        const groupSizes = Int32Array.from(sizes);
        ctx.addon.groupedGemm(xs, W1, hid, groupSizes, 0, d, h, B1, relu, 0);
        ctx.addon.groupedGemm(hid, W2, y, groupSizes, 0, h, u, B2, linear, 0);
        const g = pool.take(a);
        for (let j = 0; j < a; j++) g[j] = G[GI[j]];
        const out = pool.take(n * u);
        out.fill(0);
        for (let j = 0; j < a; j++) {
          const to = R[j] * u;
          const gj = g[j];
          for (let k = 0; k < u; k++) out[to + k] += y[j * u + k] * gj;
        }
        const info = output(backend, [n, u], out);
        const entry: Kept = { xs, h: hid, y, g, scratch: [], sizes: [...sizes], shape: { n, d, e, h, u, a } };
        kept.set(info.dataId, entry);
        backend.attach(info.dataId, () => {
          for (const arr of [xs, hid, y, g, ...entry.scratch]) pool.giveBack(arr);
          kept.delete(info.dataId);
        });
        return info;
      },
    },
  ];
}

/**
 * The gradient, input by input (the tape asks only for those it needs: not x's when x is
 * data). Shared intermediates are computed once per backward pass:
 *   dy_j = dOut[rows_j] · g_j;  dPre_j = (dy_j · w2[e]ᵀ) ⊙ relu'(pre_j)
 */
export function registerMoEGradient(ctx: NativeContext): void {
  const sum = ctx.code.reduce.get('Sum')!;
  tf.registerGradient({
    kernelName: MOE_EXPERTS,
    inputsToSave: ['w1', 'w2', 'rows', 'gateIndex'],
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [w1, w2, rows, gateIndex, out] = saved;
      const k = kept.get(out.dataId);
      if (!k) throw new Error(`${MOE_EXPERTS}: the forward pass's intermediates are gone`);
      const backend = tf.backend() as NativeBackend;
      const { n, d, e, h, u, a } = k.shape;
      const dOut = asFloats(backend, dy as tf.Tensor);
      const R = values(backend, rows) as Int32Array;
      const GI = values(backend, gateIndex) as Int32Array;
      const W1 = values(backend, w1) as Float32Array;
      const W2 = values(backend, w2) as Float32Array;
      const tensor = (data: Float32Array, shape: number[]) => tf.tensor(data, shape, 'float32');
      const groupSizes = Int32Array.from(k.sizes);
      const linear = ctx.code.activation.get('linear')!;
      let dyA: Float32Array | null = null;
      let dPre: Float32Array | null = null;
      const upstream = () => {
        if (!dyA) {
          dyA = backend.pool.take(a * u);
          k.scratch.push(dyA);
          for (let j = 0; j < a; j++) {
            const from = R[j] * u;
            for (let c = 0; c < u; c++) dyA[j * u + c] = dOut[from + c] * k.g[j];
          }
        }
        return dyA;
      };
      const preActivation = () => {
        if (!dPre) {
          const dY = upstream();
          const out2 = backend.pool.take(a * h);
          k.scratch.push(out2);
          ctx.addon.groupedGemm(dY, W2, out2, groupSizes, 1, u, h, null, linear, 0);
          // relu'(pre) = step(pre): 1 where the activation is positive, NaN stays NaN.
          ctx.addon.reluGradInPlace(out2, k.h);
          dPre = out2;
        }
        return dPre;
      };
      /** Per expert: wᵀ-side product lhsᵀ·rhs into [E, rows, cols]. */
      const weightGrad = (lhs: Float32Array, lhsCols: number, rhs: Float32Array, rhsCols: number) => {
        const grad = backend.pool.take(e * lhsCols * rhsCols);
        ctx.addon.groupedGemm(lhs, rhs, grad, groupSizes, 2, lhsCols, rhsCols, null, linear, 0);
        return grad;
      };
      const biasGrad = (rowsData: Float32Array, cols: number) => {
        const grad = backend.pool.take(e * cols);
        let row = 0;
        for (let j = 0; j < e; j++) {
          const c = k.sizes[j];
          ctx.addon.reduce(sum, rowsData.subarray(row * cols, (row + c) * cols), grad.subarray(j * cols, (j + 1) * cols), 1, c, cols);
          row += c;
        }
        return grad;
      };
      return {
        gates: () => {
          const dG = backend.pool.take(n * e);
          dG.fill(0);
          for (let j = 0; j < a; j++) {
            const from = R[j] * u;
            let s = 0;
            for (let c = 0; c < u; c++) s += dOut[from + c] * k.y[j * u + c];
            dG[GI[j]] += s;
          }
          return tensor(dG, [n, e]);
        },
        w2: () => tensor(weightGrad(k.h, h, upstream(), u), [e, h, u]),
        b2: () => tensor(biasGrad(upstream(), u), [e, u]),
        w1: () => tensor(weightGrad(k.xs, d, preActivation(), h), [e, d, h]),
        b1: () => tensor(biasGrad(preActivation(), h), [e, h]),
        x: () => {
          const dP = preActivation();
          const dXs = backend.pool.take(a * d);
          ctx.addon.groupedGemm(dP, W1, dXs, groupSizes, 1, h, d, null, linear, 0);
          const dX = backend.pool.take(n * d);
          ctx.addon.segmentSum(dXs, R, dX, n, d);
          backend.pool.giveBack(dXs);
          return tensor(dX, [n, d]);
        },
      };
    },
  });
}

function asFloats(backend: Backend, t: tf.Tensor): Float32Array {
  const v = values(backend, t);
  return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
}
