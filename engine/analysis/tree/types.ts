/**
 * The trees both methods produce, as plain JSON: what the CLI prints with --json and
 * what the tree panel draws. Nodes sit in one flat list (preorder) and refer to their
 * children by id, so the panel can collapse and expand without rebuilding anything.
 */

/** A linear test on the input, `weights·x + bias op 0`; the `yes` child holds where it is true. */
export interface LinearRule {
  weights: number[];
  bias: number;
  op: '>' | '<=';
  /** Readable, e.g. `0.83·x0 − 1.2·x1 + 0.4 > 0`. */
  text: string;
}

interface NodeBase {
  id: number;
  parent: number | null;
  depth: number;
  /** Training examples that reach the node. */
  samples: number;
  /** The network's predicted class among those examples (classification), per class. */
  classCounts: number[];
  /** Their true labels, per class. */
  labelCounts: number[];
}

export interface SplitNode extends NodeBase {
  kind: 'split';
  /** The test on the input (for C-Net: the back-projected test). */
  rule: LinearRule;
  /** Child where the rule holds / does not; null where that region was not built. */
  yes: number | null;
  no: number | null;
  /** Exact tree: the hidden unit whose sign this split tests. */
  unit?: { nodeId: string; layer: number; index: number };
  /** C-Net: the univariate test on the last hidden layer, `H_j ≤ threshold`. */
  hidden?: { nodeId: string; index: number; threshold: number; text: string };
  /**
   * C-Net: whether `rule` is equivalent to the hidden test for every input (one hidden
   * layer), or back-projected through one activation region of the earlier layers.
   */
  exact?: boolean;
  /** C-Net, deeper nets: share of this node's training examples in that region. */
  regionShare?: number;
}

export interface LeafNode extends NodeBase {
  kind: 'leaf';
  /** Predicted class: the majority among the node's examples, or at `point` when none reach it. */
  class: number;
  /** Exact tree: the region's linear model, each output as an affine function of the input. */
  outputs?: { weights: number[][]; bias: number[]; text: string[] };
  /** Exact tree: an input inside the region (a training example or the LP's centre). */
  point?: number[];
}

export type TreeNode = SplitNode | LeafNode;

/** One root-to-leaf path as text: the conjunction of tests and the conclusion. */
export interface TreeRuleText {
  leaf: number;
  conditions: string[];
  conclusion: string;
}

export interface TreeStructure {
  method: 'exact' | 'cnet';
  inputDim: number;
  featureNames: string[];
  classNames: string[];
  root: number | null;
  nodes: TreeNode[];
  /** Nodes (splits and leaves). */
  size: number;
  /** Longest root-to-leaf path (a lone leaf has depth 0). */
  depth: number;
  /** Leaves: activation regions (exact) or class boxes of the univariate tree (C-Net). */
  regions: number;
  rules: TreeRuleText[];
}
