import { tf } from '../../tf.js';
import { defineKind, fail, ok, type PortError } from '../kind.js';
import type { Dim, TensorType } from '../../shapes/types.js';
import { resolveAxis, showShape } from './axis.js';

const PORTS = ['a', 'b', 'c', 'd'] as const;

/** Joins two to four tensors along one axis, as torch.cat. */
export const Concat = defineKind({
  type: 'Concat',
  group: 'Structure',
  summary: 'Joins 2–4 tensors along an axis',
  doc: 'Concatenates `a`, `b` and, when connected, `c` and `d` (in that order) along `axis` (default -1, the last), as `torch.cat(dim=axis)`. All inputs need the same rank and type, and the same size on every other axis. The batch axis cannot be joined: the result must keep one row per sample.',
  inputs: [
    { name: 'a', doc: 'First tensor' },
    { name: 'b', doc: 'Second tensor' },
    { name: 'c', doc: 'Optional third tensor', optional: true },
    { name: 'd', doc: 'Optional fourth tensor', optional: true },
  ],
  outputs: [{ name: 'out', doc: 'Sizes on `axis` added up, other axes unchanged' }],
  params: {
    axis: { kind: 'int', default: -1, min: -16, max: 15, doc: 'Axis to join along; negative counts from the end (-1 = last)' },
  },
  inferShapes({ params, inputs }) {
    const errors: PortError[] = [];
    for (const port of ['a', 'b'] as const) if (!inputs[port]) errors.push({ port, message: `input "${port}" is not connected` });
    if (errors.length) return fail(...errors);
    const present = PORTS.filter((p) => inputs[p]);
    const first = inputs.a;
    const axis = resolveAxis(params.axis, first.shape.length);
    if (axis === null) {
      return fail({ port: 'a', message: `axis ${params.axis} is out of range for a ${showShape(first.shape)} (rank ${first.shape.length})` });
    }
    if (first.shape[axis] === 'B') return fail({ port: 'a', message: `axis ${params.axis} is the batch axis of a ${showShape(first.shape)}; pick a feature axis` });
    let joined = 0;
    for (const port of present) {
      const t: TensorType = inputs[port];
      if (t.dtype !== first.dtype) return fail({ port, message: `${port} is ${t.dtype} but a is ${first.dtype}; all inputs must have the same type` });
      if (t.shape.length !== first.shape.length) {
        return fail({ port, message: `${port} ${showShape(t.shape)} has rank ${t.shape.length} but a ${showShape(first.shape)} has rank ${first.shape.length}` });
      }
      const other = t.shape.findIndex((d, i) => i !== axis && d !== first.shape[i]);
      if (other >= 0) {
        return fail({ port, message: `${port} ${showShape(t.shape)} differs from a ${showShape(first.shape)} on axis ${other}; only axis ${axis} may differ` });
      }
      const size: Dim = t.shape[axis];
      if (size === 'B') return fail({ port, message: `axis ${axis} of ${port} ${showShape(t.shape)} is the batch axis; pick a feature axis` });
      joined += size;
    }
    const shape = first.shape.slice();
    shape[axis] = joined;
    return ok({ out: { dtype: first.dtype, shape } });
  },
  forward({ inputs, params }) {
    const parts = PORTS.filter((p) => inputs[p]).map((p) => inputs[p]);
    const axis = resolveAxis(params.axis, parts[0].rank) ?? parts[0].rank - 1;
    return { out: tf.concat(parts, axis) };
  },
});
