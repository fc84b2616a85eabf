/**
 * Floating-point operations of one training step, counting the matrix products a
 * training step needs (forward, weight gradients, and input gradients of every layer but
 * the first, whose input is data): 2·m·n·k each. Element-wise work is left out; it is a
 * few percent here. The same count serves both implementations, so GFLOP/s compare.
 */
export function trainingStepFlops(model: 'mlp' | 'moe', batch: number): number {
  const layer = (rows: number, inputs: number, outputs: number, needsInputGrad: boolean) =>
    2 * rows * inputs * outputs * (needsInputGrad ? 3 : 2);
  if (model === 'mlp') return layer(batch, 784, 256, false) + layer(batch, 256, 10, true);
  // MoE, 8 experts, top-2: the gate on every token, each expert MLP on its tokens only
  // (batch·k rows in all).
  const assignments = batch * 2;
  return layer(batch, 784, 8, false) + layer(assignments, 784, 256, false) + layer(assignments, 256, 10, true);
}
