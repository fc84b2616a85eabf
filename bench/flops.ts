/**
 * Floating-point operations of one training step, counting the matrix products a
 * training step needs (forward, weight gradients, and input gradients of every layer but
 * the first, whose input is data): 2·m·n·k each. Element-wise work is left out; it is a
 * few percent here. The same count serves both implementations, so GFLOP/s compare.
 */
export type WorkloadModel = 'mlp' | 'moe' | 'script';

/** The Script workload's shape, shared by both implementations (bench/pytorch_reference.py reads it). */
export const SCRIPT_STACK = {
  scripts: 2, functions: 4, loc: 2, iterations: 2, heads: 4, keyDim: 16, hidden: 128, typeDim: 16, codeDim: 16, mlpLayers: 2,
  dim: 64, tokens: 16, clauses: 4,
} as const;

export function trainingStepFlops(model: WorkloadModel, batch: number): number {
  const layer = (rows: number, inputs: number, outputs: number, needsInputGrad: boolean) =>
    2 * rows * inputs * outputs * (needsInputGrad ? 3 : 2);
  if (model === 'script') return scriptStepFlops(batch);
  if (model === 'mlp') return layer(batch, 784, 256, false) + layer(batch, 256, 10, true);
  // MoE, 8 experts, top-2: the gate on every token, each expert MLP on its tokens only
  // (batch·k rows in all).
  const assignments = batch * 2;
  return layer(batch, 784, 8, false) + layer(assignments, 784, 256, false) + layer(assignments, 256, 10, true);
}

/** Every product of the Script stack is needed in the backward pass for both operands (×3). */
function scriptStepFlops(batch: number): number {
  const s = SCRIPT_STACK;
  const tokens = s.tokens + 1; // the [CLS] token
  const rows = batch * tokens;
  const streams = rows * s.functions; // each token runs once per function
  const width = s.heads * s.keyDim;
  const mm = (m: number, k: number, n: number) => 2 * m * k * n;
  const typeInference = mm(rows, s.dim, s.hidden) + mm(rows, s.hidden, s.typeDim) + mm(rows, s.typeDim, s.functions);
  const attention = 3 * mm(streams, s.dim, width) + 2 * mm(batch * s.functions * s.heads * tokens, s.keyDim, tokens) + mm(streams, width, s.dim);
  const mlpWidths = [s.dim, ...Array.from({ length: s.mlpLayers - 1 }, () => s.hidden), s.dim];
  const mlp = mlpWidths.slice(1).reduce((sum, out, l) => sum + mm(streams, mlpWidths[l], out), 0);
  const forward = s.scripts * s.iterations * (typeInference + s.loc * (attention + mlp)) + mm(batch * s.tokens, s.clauses + 2, s.dim);
  return 3 * forward;
}
