import { fail, ok, type ShapeContext, type ShapeResult } from './kind.js';

/** Shape rule of element-wise kinds with one float input `in` and one output `out`. */
export function elementwiseShape(ctx: ShapeContext<unknown>): ShapeResult {
  const x = ctx.inputs.in;
  if (!x) return fail({ port: 'in', message: 'input "in" is not connected' });
  if (x.dtype !== 'float32') return fail({ port: 'in', message: `expects a float32 tensor, got ${x.dtype}` });
  return ok({ out: x });
}
