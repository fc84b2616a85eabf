import type { LeafNode, TreeNode, TreeStructure } from './types.js';

export type Routed = { leaf: LeafNode } | { unexplored: number } | { empty: true };

/**
 * Follows the tree's linear rules for the input at `x[offset ..]`: to a leaf, or to a
 * split whose side for this input was not built (`unexplored`: that split's id).
 */
export function routeInput(tree: TreeStructure, x: ArrayLike<number>, offset = 0, byId = indexNodes(tree)): Routed {
  if (tree.root === null) return { empty: true };
  let node = byId[tree.root];
  while (node.kind === 'split') {
    const { weights, bias, op } = node.rule;
    let v = bias;
    for (let i = 0; i < weights.length; i++) v += weights[i] * x[offset + i];
    const next = (op === '>' ? v > 0 : v <= 0) ? node.yes : node.no;
    if (next === null) return { unexplored: node.id };
    node = byId[next];
  }
  return { leaf: node };
}

/** C-Net's own routing: the univariate tests on the last hidden layer's outputs. */
export function routeHidden(tree: TreeStructure, hidden: ArrayLike<number>, width: number, i: number, byId = indexNodes(tree)): LeafNode | null {
  if (tree.root === null) return null;
  let node = byId[tree.root];
  while (node.kind === 'split') {
    const test = node.hidden;
    if (!test) throw new Error('routeHidden: this tree has no hidden-layer tests (it is not a C-Net tree)');
    const next = hidden[i * width + test.index] <= test.threshold ? node.yes : node.no;
    if (next === null) return null;
    node = byId[next];
  }
  return node;
}

/** Nodes by id (ids are list positions, but this does not rely on it). */
export function indexNodes(tree: TreeStructure): TreeNode[] {
  const out: TreeNode[] = [];
  for (const n of tree.nodes) out[n.id] = n;
  return out;
}

/** The leaf's linear model at x (exact trees). */
export function leafOutputs(leaf: LeafNode, x: ArrayLike<number>, offset = 0): number[] {
  const out = leaf.outputs;
  if (!out) throw new Error('this leaf has no linear model (not an exact tree)');
  return out.weights.map((w, k) => {
    let s = out.bias[k];
    for (let i = 0; i < w.length; i++) s += w[i] * x[offset + i];
    return s;
  });
}
