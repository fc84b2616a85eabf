import type { Dim } from '../../shapes/types.js';

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
