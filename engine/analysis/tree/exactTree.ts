import { advance, applyMask, evalRow, identityMap, row, type AffineMap } from './affine.js';
import { chainForward, type ReluChain } from './chain.js';
import { interiorPoint, type Box, type HalfSpace } from './feasibility.js';
import { argmax, featureNames as defaultNames, formatAffine, linearRule, pathRules } from './format.js';
import type { LeafNode, SplitNode, TreeNode, TreeStructure } from './types.js';

/**
 * The exact transformation of a ReLU network into a multivariate decision tree
 * (Nguyen, Kasmarik & Abbass 2020). Hidden units are visited in order, layer by layer;
 * each one's sign is a split on a linear function of the INPUT: the pre-activation of
 * unit j in layer l is affine in x once the activation pattern of layers < l is fixed
 * (the path so far), and the affine maps compose along the path. A leaf is an
 * activation region; its outputs (logits) are one affine function of the input.
 *
 * Only branches that can occur are built:
 *  1. Branches witnessed by points: the training and test inputs and random samples of
 *     the domain box. A side no point reaches is deferred.
 *  2. LP closure (when `lp` is on): each deferred side is checked with a Chebyshev-centre
 *     LP over the path's half-spaces within the domain box; infeasible sides are pruned,
 *     feasible ones grown further with an LP at every split. A split with one impossible
 *     side is not a decision at all: it is removed and the path continues (the unit's
 *     sign is implied by the splits above). The tree is then complete on the box.
 *  Without the LP, unwitnessed sides stay unexplored (`yes`/`no` = null in the JSON).
 * Units that are constant whatever the input (dead after an inactive unit, zero weights)
 * never split. Building stops at `limit` nodes; what is left stays unexplored.
 */
export interface ExactTreeOptions {
  /** Points that witness branches, [n, d] row-major; the first `trainCount` are training examples. */
  points: Float64Array;
  trainCount: number;
  /** Labels of the training examples (for the counts shown at nodes). */
  labels?: Int32Array;
  numClasses: number;
  domain: Box;
  lp: boolean;
  limit: number;
  featureNames?: string[];
  classNames?: string[];
}

export interface ExactTreeBuild {
  tree: TreeStructure;
  truncated: boolean;
  /** Every side was either built or proved empty: the tree covers the whole domain box. */
  complete: boolean;
  lpChecks: number;
  /** Sides the LP proved empty (no input in the box takes them). */
  lpPruned: number;
}

type Link = { hs: HalfSpace; prev: Link | null } | null;

interface Frame {
  layer: number;
  unit: number;
  /** Pre-activations of this ReLU layer as affine functions of the input. */
  map: AffineMap;
  active: Uint8Array;
  constraints: Link;
  /** An input known to lie in the region (for leaves no training example reaches). */
  point: number[] | null;
}

interface Counts {
  samples: number;
  classCounts: number[];
  labelCounts: number[];
}

type Slot = BSplit | BLeaf | BDeferred | null;
interface BSplit {
  kind: 'split';
  /** Where the split hangs (null: the root), so a pruned side can remove it. */
  parent: BSplit | null;
  side: 'yes' | 'no' | null;
  layer: number;
  unit: number;
  a: number[];
  c: number;
  yes: Slot;
  no: Slot;
  counts: Counts;
}
interface BLeaf {
  kind: 'leaf';
  outputs: AffineMap;
  point: number[] | null;
  counts: Counts;
}
interface BDeferred {
  kind: 'deferred';
  frame: Frame;
}

export function buildExactTree(chain: ReluChain, options: ExactTreeOptions): ExactTreeBuild {
  const d = chain.inputDim;
  const { points, trainCount, numClasses } = options;
  const n = points.length / d;
  const predicted = new Int32Array(trainCount);
  if (numClasses > 0) for (let i = 0; i < trainCount; i++) predicted[i] = argmax(chainForward(chain, points.subarray(i * d, (i + 1) * d)).outputs);

  let nodeCount = 0;
  let truncated = false;
  let lpChecks = 0;
  let lpPruned = 0;
  const deferred: { owner: BSplit; side: 'yes' | 'no' }[] = [];

  const countsOf = (idx: Int32Array): Counts => {
    const classCounts = new Array(numClasses).fill(0);
    const labelCounts = new Array(numClasses).fill(0);
    let samples = 0;
    for (const i of idx) {
      if (i >= trainCount) continue;
      samples++;
      if (numClasses > 0) {
        classCounts[predicted[i]]++;
        if (options.labels) labelCounts[options.labels[i]]++;
      }
    }
    return { samples, classCounts, labelCounts };
  };
  const noCounts = (): Counts => ({ samples: 0, classCounts: new Array(numClasses).fill(0), labelCounts: new Array(numClasses).fill(0) });

  const halfSpaces = (link: Link): HalfSpace[] => {
    const out: HalfSpace[] = [];
    for (let l = link; l; l = l.prev) out.push(l.hs);
    return out;
  };
  const check = (link: Link, extra: HalfSpace) => {
    lpChecks++;
    return interiorPoint([extra, ...halfSpaces(link)], options.domain);
  };

  /** The frame after deciding unit `frame.unit` to be active or not. */
  const decide = (frame: Frame, on: boolean, hs: HalfSpace | null, point: number[] | null): Frame => {
    const active = frame.active.slice();
    active[frame.unit] = on ? 1 : 0;
    return { ...frame, unit: frame.unit + 1, active, constraints: hs ? { hs, prev: frame.constraints } : frame.constraints, point: point ?? frame.point };
  };

  /**
   * Grows the subtree of a frame over the points `idx` reaching it. With `useLp`, sides
   * no point reaches are decided by LP at once; otherwise they are deferred.
   */
  const grow = (start: Frame, idx: Int32Array, useLp: boolean, parent: BSplit | null, parentSide: 'yes' | 'no' | null): Slot => {
    let frame = start;
    for (;;) {
      const width = frame.map.outDim;
      if (frame.unit === width) {
        const hidden = chain.hidden[frame.layer];
        const next = advance(chain, applyMask(frame.map, frame.active), hidden.op + 1);
        if (frame.layer + 1 < chain.hidden.length) {
          frame = { layer: frame.layer + 1, unit: 0, map: next.map, active: new Uint8Array(next.map.outDim), constraints: frame.constraints, point: frame.point };
          continue;
        }
        if (nodeCount >= options.limit) {
          truncated = true;
          return null;
        }
        nodeCount++;
        const point = idx.length ? Array.from(points.subarray(idx[0] * d, idx[0] * d + d)) : frame.point;
        return { kind: 'leaf', outputs: next.map, point, counts: countsOf(idx) };
      }
      const j = frame.unit;
      const a = row(frame.map, j);
      const c = frame.map.bias[j];
      if (a.every((v) => v === 0)) {
        frame = decide(frame, c > 0, null, null);
        continue;
      }
      const pos: number[] = [];
      const neg: number[] = [];
      for (const i of idx) (evalRow(frame.map, j, points, i * d) > 0 ? pos : neg).push(i);
      const onHs: HalfSpace = { a, c, active: true };
      const offHs: HalfSpace = { a, c, active: false };
      // Status of each side: witnessed by a point, decided by LP, or deferred.
      let onOk: boolean | null = pos.length ? true : null;
      let offOk: boolean | null = neg.length ? true : null;
      let onPoint: number[] | null = null;
      let offPoint: number[] | null = null;
      if (useLp && onOk === null) {
        const r = check(frame.constraints, onHs);
        onOk = r.feasible;
        onPoint = r.point;
        if (!r.feasible) lpPruned++;
      }
      if (useLp && offOk === null) {
        const r = check(frame.constraints, offHs);
        offOk = r.feasible;
        offPoint = r.point;
        if (!r.feasible) lpPruned++;
      }
      if (onOk === false && offOk === false) return null; // numerically empty region
      if (onOk === false || offOk === false) {
        // Only one side can occur: the unit's sign follows from the path; no split.
        const on = onOk !== false;
        frame = decide(frame, on, on ? onHs : offHs, on ? onPoint : offPoint);
        continue;
      }
      if (nodeCount >= options.limit) {
        truncated = true;
        return null;
      }
      nodeCount++;
      const split: BSplit = { kind: 'split', parent, side: parentSide, layer: frame.layer, unit: j, a, c, yes: null, no: null, counts: countsOf(idx) };
      const sides: ['yes' | 'no', boolean | null, HalfSpace, number[], number[] | null][] = [
        ['yes', onOk, onHs, pos, onPoint],
        ['no', offOk, offHs, neg, offPoint],
      ];
      for (const [side, ok, hs, members, point] of sides) {
        const child = decide(frame, side === 'yes', hs, point);
        if (ok === null) {
          split[side] = { kind: 'deferred', frame: child };
          deferred.push({ owner: split, side });
        } else {
          split[side] = grow(child, Int32Array.from(members), useLp, split, side);
        }
      }
      return split;
    }
  };

  const first = advance(chain, identityMap(d), 0);
  let root: Slot;
  if (chain.hidden.length === 0) {
    nodeCount++;
    root = { kind: 'leaf', outputs: first.map, point: null, counts: countsOf(Int32Array.from({ length: n }, (_, i) => i)) };
  } else {
    const frame: Frame = { layer: 0, unit: 0, map: first.map, active: new Uint8Array(first.map.outDim), constraints: null, point: null };
    root = grow(frame, Int32Array.from({ length: n }, (_, i) => i), false, null, null);
  }

  // LP closure of the deferred sides, in the order they were met (depth first).
  let complete = true;
  for (const item of deferred) {
    const slot = item.owner[item.side];
    if (!slot || slot.kind !== 'deferred') continue;
    if (!options.lp) {
      item.owner[item.side] = null;
      complete = false;
      continue;
    }
    const frame = slot.frame;
    lpChecks++;
    const r = interiorPoint(halfSpaces(frame.constraints), options.domain);
    if (!r.feasible) {
      lpPruned++;
      item.owner[item.side] = null;
      // The owner now tests a unit whose other side is the only possibility: remove it.
      const owner = item.owner;
      const other = owner[item.side === 'yes' ? 'no' : 'yes'];
      if (other && other.kind === 'split') {
        other.parent = owner.parent;
        other.side = owner.side;
      }
      if (owner.parent) owner.parent[owner.side!] = other;
      else root = other;
      nodeCount--;
      continue;
    }
    const grown = grow({ ...frame, point: r.point }, new Int32Array(0), true, item.owner, item.side);
    item.owner[item.side] = grown;
    if (grown === null) complete = false;
  }
  if (truncated) complete = false;
  if (!options.lp) complete = false;

  const tree = serialise(chain, root, options);
  return { tree, truncated, complete: complete && !hasUnexplored(tree.nodes), lpChecks, lpPruned };
}

function hasUnexplored(nodes: TreeNode[]): boolean {
  return nodes.some((n) => n.kind === 'split' && (n.yes === null || n.no === null));
}

function serialise(chain: ReluChain, root: Slot, options: ExactTreeOptions): TreeStructure {
  const d = chain.inputDim;
  const names = defaultNames(d, options.featureNames);
  const classNames = Array.from({ length: options.numClasses }, (_, k) => options.classNames?.[k] ?? `class ${k}`);
  const nodes: TreeNode[] = [];
  let maxDepth = 0;
  let regions = 0;
  const visit = (slot: Slot, parent: number | null, depth: number): number | null => {
    if (!slot || slot.kind === 'deferred') return null;
    const id = nodes.length;
    const base = { id, parent, depth, samples: slot.counts.samples, classCounts: slot.counts.classCounts, labelCounts: slot.counts.labelCounts };
    if (slot.kind === 'leaf') {
      regions++;
      maxDepth = Math.max(maxDepth, depth);
      const m = slot.outputs;
      const weights = Array.from({ length: m.outDim }, (_, k) => row(m, k));
      const bias = Array.from(m.bias);
      let cls = slot.counts.samples > 0 ? argmax(slot.counts.classCounts) : 0;
      if (slot.counts.samples === 0 && slot.point && options.numClasses > 0) {
        cls = argmax(weights.map((w, k) => w.reduce((s, wi, i) => s + wi * slot.point![i], bias[k])));
      }
      const leaf: LeafNode = {
        kind: 'leaf',
        ...base,
        class: cls,
        outputs: { weights, bias, text: weights.map((w, k) => `logit${k} = ${formatAffine(w, bias[k], names)}`) },
        ...(slot.point ? { point: slot.point } : {}),
      };
      nodes.push(leaf);
      return id;
    }
    const hidden = chain.hidden[slot.layer];
    const split: SplitNode = {
      kind: 'split',
      ...base,
      rule: linearRule(slot.a, slot.c, '>', names),
      yes: null,
      no: null,
      unit: { nodeId: hidden.nodeId, layer: slot.layer, index: slot.unit },
    };
    nodes.push(split);
    split.yes = visit(slot.yes, id, depth + 1);
    split.no = visit(slot.no, id, depth + 1);
    return id;
  };
  const rootId = visit(root, null, 0);
  const rules = pathRules(nodes, rootId, names, (leaf) => leafConclusion(leaf, names, classNames));
  return {
    method: 'exact',
    inputDim: d,
    featureNames: names,
    classNames,
    root: rootId,
    nodes,
    size: nodes.length,
    depth: maxDepth,
    regions,
    rules,
  };
}

/** Two classes: one linear decision; more: the argmax of the region's logits. */
function leafConclusion(leaf: LeafNode, names: string[], classNames: string[]): string {
  const out = leaf.outputs!;
  if (classNames.length === 2) {
    const w = out.weights[1].map((v, i) => v - out.weights[0][i]);
    const b = out.bias[1] - out.bias[0];
    return `${classNames[1]} where ${formatAffine(w, b, names)} > 0, else ${classNames[0]}`;
  }
  if (classNames.length > 2) return `the class with the largest of ${out.text.join('; ')}`;
  return out.text.join('; ');
}
