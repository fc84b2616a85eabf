import { advance, applyMask, inputMap, row, type AffineMap } from './affine.js';
import { fitC45, type C45Options, type UNode } from './c45.js';
import { chainForward, type ReluChain } from './chain.js';
import { featureNames as defaultNames, formatNumber, linearRule, negatedText, pathRules } from './format.js';
import type { LeafNode, SplitNode, TreeNode, TreeStructure } from './types.js';

/**
 * C-Net (Abbass, Towsey & Finn 2001). A univariate C4.5-style tree is fitted on the
 * last hidden layer's outputs H (the network's view of each training example) against
 * the network's own predictions; each split `H_j ≤ c` is then back-projected to the
 * input.
 *
 * Back-projection. H_j = relu(z_j(x)) and the thresholds are midpoints of values of H,
 * so c ≥ 0, and for c ≥ 0: relu(z) ≤ c ⇔ z ≤ c. With one hidden layer z_j(x) = w_j·x + b_j,
 * so the split is exactly the multivariate rule `w_j·x + b_j − c ≤ 0` (`exact: true`).
 * With more hidden layers z_j is affine only within an activation region of the earlier
 * layers: the rule given is z_j's affine map in the region holding most of the node's
 * training examples (`exact: false`, `regionShare` says how many), and the split on H,
 * which holds everywhere, is kept beside it (`hidden`).
 */
export interface CNetInput {
  chain: ReluChain;
  /** Training inputs [n, d] and last-hidden-layer outputs [n, h], row-major. */
  x: Float64Array;
  hidden: ArrayLike<number>;
  /** The network's predicted class of each training example: the tree's target. */
  predicted: Int32Array;
  labels?: Int32Array;
  numClasses: number;
  featureNames?: string[];
  classNames?: string[];
  c45?: C45Options;
}

export interface CNetBuild {
  tree: TreeStructure;
  univariate: UNode;
}

export function buildCNet(input: CNetInput): CNetBuild {
  const { chain, numClasses } = input;
  if (chain.hidden.length === 0) throw new Error('C-Net needs at least one hidden ReLU layer');
  const d = chain.inputDim;
  const last = chain.hidden[chain.hidden.length - 1];
  const h = last.width;
  const n = input.predicted.length;
  const univariate = fitC45(input.hidden, h, input.predicted, numClasses, input.c45);
  const names = defaultNames(d, input.featureNames);
  const classNames = Array.from({ length: numClasses }, (_, k) => input.classNames?.[k] ?? `class ${k}`);

  // The earlier layers' activation pattern of each training example (deeper nets only).
  const deep = chain.hidden.length > 1;
  const regionKeys: string[] = [];
  if (deep) {
    for (let i = 0; i < n; i++) {
      const { pre } = chainForward(chain, input.x.subarray(i * d, (i + 1) * d));
      regionKeys.push(pre.slice(0, -1).map((p) => Array.from(p, (v) => (v > 0 ? '1' : '0')).join('')).join('|'));
    }
  }
  const mapCache = new Map<string, AffineMap>();
  const lastLayerMap = (key: string | null): AffineMap => {
    const cacheKey = key ?? '';
    let map = mapCache.get(cacheKey);
    if (map) return map;
    let step = inputMap(chain);
    const masks = key ? key.split('|') : [];
    for (let l = 0; l < chain.hidden.length - 1; l++) {
      const mask = Array.from(masks[l], (ch) => ch === '1');
      step = advance(chain, applyMask(step.map, mask), chain.hidden[l].op + 1);
    }
    map = step.map;
    mapCache.set(cacheKey, map);
    return map;
  };

  const nodes: TreeNode[] = [];
  let maxDepth = 0;
  let regions = 0;
  const visit = (node: UNode, members: number[], parent: number | null, depth: number): number => {
    const id = nodes.length;
    const labelCounts = new Array(numClasses).fill(0);
    if (input.labels) for (const i of members) labelCounts[input.labels[i]]++;
    const base = { id, parent, depth, samples: members.length, classCounts: node.counts.slice(), labelCounts };
    if (node.kind === 'leaf') {
      regions++;
      maxDepth = Math.max(maxDepth, depth);
      const leaf: LeafNode = { kind: 'leaf', ...base, class: node.cls };
      nodes.push(leaf);
      return id;
    }
    let key: string | null = null;
    let share = 1;
    if (deep) {
      const tally = new Map<string, number>();
      for (const i of members) tally.set(regionKeys[i], (tally.get(regionKeys[i]) ?? 0) + 1);
      let best = 0;
      for (const [k, c] of tally) if (c > best) [key, best] = [k, c];
      share = members.length ? best / members.length : 0;
    }
    const map = lastLayerMap(key);
    const w = row(map, node.feature);
    const c = node.threshold;
    const split: SplitNode = {
      kind: 'split',
      ...base,
      rule: linearRule(w, map.bias[node.feature] - c, '<=', names),
      yes: null,
      no: null,
      hidden: { nodeId: last.nodeId, index: node.feature, threshold: c, text: `H${node.feature} ≤ ${formatNumber(c)}` },
      exact: !deep,
      ...(deep ? { regionShare: share } : {}),
    };
    nodes.push(split);
    const l: number[] = [];
    const r: number[] = [];
    for (const i of members) (input.hidden[i * h + node.feature] <= c ? l : r).push(i);
    split.yes = visit(node.left, l, id, depth + 1);
    split.no = visit(node.right, r, id, depth + 1);
    return id;
  };
  const root = visit(univariate, Array.from({ length: n }, (_, i) => i), null, 0);
  const rules = pathRules(
    nodes,
    root,
    names,
    (leaf) => classNames[leaf.class] ?? `class ${leaf.class}`,
    (split, holds) => {
      const hiddenText = holds ? split.hidden!.text : split.hidden!.text.replace('≤', '>');
      const inputText = holds ? split.rule.text : negatedText(split.rule, names);
      return split.exact ? `${inputText} (${hiddenText})` : `${hiddenText} (in the main region: ${inputText})`;
    },
  );
  return {
    tree: { method: 'cnet', inputDim: d, featureNames: names, classNames, root, nodes, size: nodes.length, depth: maxDepth, regions, rules },
    univariate,
  };
}
