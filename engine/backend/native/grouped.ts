import { GROUPED_MATMUL, GROUPED_ROW_SUM, GROUPED_WEIGHT_GRAD } from '../kernelNames.js';
import { type KernelConfig, type NativeContext, type TensorInfo, allocFloat32, floats, nativeKernel, output } from './context.js';

/**
 * The grouped products behind sparse mixture-of-experts dispatch: one sgemm per expert
 * on its contiguous block of rows (subarrays, no copies), so each expert's cost is its
 * own token count, and weight gradients land directly in one [E, K, M] array.
 */
export function groupedKernels(ctx: NativeContext): KernelConfig[] {
  const sum = ctx.code.reduce.get('Sum')!;
  return [
    nativeKernel<{ x: TensorInfo; w: TensorInfo; b?: TensorInfo }, { sizes: number[]; transposeW: boolean }>(GROUPED_MATMUL, (backend, { x, w, b }, { sizes, transposeW }) => {
      const [groups, k, m] = w.shape;
      const inner = transposeW ? m : k;
      const outer = transposeW ? k : m;
      const rows = checkSizes(sizes, groups, x.shape[0]);
      if (x.shape[1] !== inner) throw new Error(`${GROUPED_MATMUL}: x has ${x.shape[1]} columns, the weights ${inner} rows`);
      const X = floats(backend, x);
      const W = floats(backend, w);
      const B = b ? floats(backend, b) : null;
      const out = allocFloat32(backend, rows * outer);
      let row = 0;
      for (let e = 0; e < groups; e++) {
        const n = sizes[e];
        if (n === 0) continue;
        ctx.addon.matmul(
          X.subarray(row * inner, (row + n) * inner), W.subarray(e * k * m, (e + 1) * k * m), out.subarray(row * outer, (row + n) * outer),
          1, 1, 1, n, outer, inner, 0, transposeW ? 1 : 0, B ? B.subarray(e * outer, (e + 1) * outer) : null, B ? 1 : 0, 0, 0,
        );
        row += n;
      }
      return output(backend, [rows, outer], out);
    }),
    nativeKernel<{ x: TensorInfo; dy: TensorInfo }, { sizes: number[] }>(GROUPED_WEIGHT_GRAD, (backend, { x, dy }, { sizes }) => {
      const [rows, k] = x.shape;
      const m = dy.shape[1];
      checkSizes(sizes, sizes.length, rows);
      const X = floats(backend, x);
      const DY = floats(backend, dy);
      const out = allocFloat32(backend, sizes.length * k * m);
      let row = 0;
      for (let e = 0; e < sizes.length; e++) {
        const n = sizes[e];
        const dw = out.subarray(e * k * m, (e + 1) * k * m);
        if (n === 0) {
          dw.fill(0);
          continue;
        }
        ctx.addon.matmul(X.subarray(row * k, (row + n) * k), DY.subarray(row * m, (row + n) * m), dw, 1, 1, 1, k, m, n, 1, 0, null, 0, 0, 0);
        row += n;
      }
      return output(backend, [sizes.length, k, m], out);
    }),
    nativeKernel<{ dy: TensorInfo }, { sizes: number[] }>(GROUPED_ROW_SUM, (backend, { dy }, { sizes }) => {
      const [rows, m] = dy.shape;
      checkSizes(sizes, sizes.length, rows);
      const DY = floats(backend, dy);
      const out = allocFloat32(backend, sizes.length * m);
      let row = 0;
      for (let e = 0; e < sizes.length; e++) {
        const n = sizes[e];
        // A group without rows sums to zeros (the reduction of an empty run).
        ctx.addon.reduce(sum, DY.subarray(row * m, (row + n) * m), out.subarray(e * m, (e + 1) * m), 1, n, m);
        row += n;
      }
      return output(backend, [sizes.length, m], out);
    }),
  ];
}

function checkSizes(sizes: number[], groups: number, rows: number): number {
  if (sizes.length !== groups) throw new Error(`grouped kernel: ${sizes.length} group sizes for ${groups} groups`);
  const total = sizes.reduce((s, n) => s + n, 0);
  if (total !== rows || sizes.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`grouped kernel: group sizes [${sizes}] do not cover ${rows} rows`);
  return rows;
}
