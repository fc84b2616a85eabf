import type { Dim, TensorType } from '../../shapes/types.js';
import type { PortError } from '../kind.js';

/**
 * Resolves a PyTorch-style axis (negative counts from the end) against a rank.
 * Returns null when it is out of range, so shape rules can report it instead of throwing.
 */
export function resolveAxis(axis: number, rank: number): number | null {
  const resolved = axis < 0 ? rank + axis : axis;
  return resolved >= 0 && resolved < rank ? resolved : null;
}

/** Shape as users read it in messages: [B×4×3]. */
export function showShape(shape: readonly Dim[]): string {
  return `[${shape.join('×')}]`;
}

/**
 * The float32 tensor on port `in` and its `axis` resolved, or the error to show on the port.
 * The batch axis is refused (it would mix samples); `batchHint` says what to pick instead.
 */
export function floatInputAxis(x: TensorType | undefined, axis: number, batchHint: string): { x: TensorType; axis: number } | { error: PortError } {
  if (!x) return { error: { port: 'in', message: 'input "in" is not connected' } };
  if (x.dtype !== 'float32') return { error: { port: 'in', message: `expects a float32 tensor, got ${x.dtype}` } };
  const resolved = resolveAxis(axis, x.shape.length);
  if (resolved === null) return { error: { port: 'in', message: `axis ${axis} is out of range for ${showShape(x.shape)} (rank ${x.shape.length})` } };
  if (x.shape[resolved] === 'B') return { error: { port: 'in', message: `axis ${axis} is the batch axis of ${showShape(x.shape)}; ${batchHint}` } };
  return { x, axis: resolved };
}
