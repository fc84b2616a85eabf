import { advance, applyMask, inputMap, row, type AffineMap } from './affine.js';
import { chainForward, type ReluChain } from './chain.js';
import { interiorPoint, marginTolerance, type Box, type HalfSpace } from './feasibility.js';
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
 * Only branches that can occur are built. At each split, a side that some point takes
 * (training and test inputs, random samples of the domain box) is built. A side no point
 * takes is checked, when `lp` is on, by a Chebyshev-centre LP over the path's half-spaces
 * within the domain box: an empty side is pruned, and since only one side can then
 * occur, the unit's sign follows from the splits above and no split is made at all. The
 * feasible unwitnessed sides are built after all the witnessed ones (so the branches the
 * data takes come first under the node limit), with an LP at every split. The tree is
 * then complete on the box. Without the LP, unwitnessed sides stay unexplored
 * (`yes`/`no` = null in the JSON).
 * Units that are constant whatever the input (dead after an inactive unit, zero weights)
 * never split. Building stops at `limit` nodes; what is left stays unexplored.
 */
export interface ExactTreeOptions {
  /** Points that witness branches, [n, d] row-major; the first `trainCount` are training examples. */
  points: Float64Array;
  trainCount: number;
  /** Labels of the training examples (for the counts shown at nodes). */
  labels?: Int32Array;
  /**
   * Each point's activation signs, [n, hidden units] (1: pre-activation > 0), from one
   * forward pass of the network; computed here in float64 when absent. Points are sent
   * down the tree by these, so building costs one pass of the network, not one
   * d-dimensional product per point and split.
   */
  signs?: Uint8Array;
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
  /**
   * Null, or an input strictly inside the region (the Chebyshev centre of an LP, kept
   * while it stays on the chosen side of each split): the side of a split it lies on is
   * then known to be feasible without another LP.
   */
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
  const units = chain.hidden.reduce((s, l) => s + l.width, 0);
  const offsets = chain.hidden.map((_, l) => chain.hidden.slice(0, l).reduce((s, h) => s + h.width, 0));
  const predicted = new Int32Array(trainCount);
  const needSigns = !options.signs;
  const signs = options.signs ?? new Uint8Array(n * units);
  if (numClasses > 0 || needSigns) {
    for (let i = 0; i < n; i++) {
      if (!needSigns && i >= trainCount) break;
      const run = chainForward(chain, points.subarray(i * d, (i + 1) * d));
      if (i < trainCount && numClasses > 0) predicted[i] = argmax(run.outputs);
      if (needSigns) run.pre.forEach((p, l) => p.forEach((v, j) => (signs[i * units + offsets[l] + j] = v > 0 ? 1 : 0)));
    }
  }

  const tolerance = marginTolerance(options.domain);
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
    return { ...frame, unit: frame.unit + 1, active, constraints: hs ? { hs, prev: frame.constraints } : frame.constraints, point };
  };

  /**
   * Grows the subtree of a frame over the points `idx` reaching it. A side no point
   * reaches is checked by LP (when on): an empty side is pruned at once, so the split is
   * not made. A feasible side is grown now in the `closure` phase, and deferred in the
   * `witness` phase, so that the branches the data takes are built first when the node
   * limit is tight. Without the LP such a side stays unexplored.
   */
  const grow = (start: Frame, idx: Int32Array, phase: 'witness' | 'closure'): Slot => {
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
        frame = decide(frame, c > 0, null, frame.point); // a constant: the region stays as it is
        continue;
      }
      const pos: number[] = [];
      const neg: number[] = [];
      const unit = offsets[frame.layer] + j;
      for (const i of idx) (signs[i * units + unit] ? pos : neg).push(i);
      const onHs: HalfSpace = { a, c, active: true };
      const offHs: HalfSpace = { a, c, active: false };
      // Where the region's known inner point lies: a side it lies on (clearly) is feasible.
      let inner = 0;
      if (frame.point) {
        let z = c;
        let norm = 0;
        for (let i = 0; i < d; i++) {
          z += a[i] * frame.point[i];
          norm += a[i] * a[i];
        }
        const dist = z / Math.sqrt(norm);
        inner = dist > tolerance ? 1 : dist < -tolerance ? -1 : 0;
      }
      // Each side: witnessed by a point (true), proved empty (false), or unknown (null);
      // and an inner point of the side when one is known.
      const side = (members: number[], hs: HalfSpace): { ok: boolean | null; point: number[] | null } => {
        const keeps = inner === (hs.active ? 1 : -1);
        if (members.length || keeps) return { ok: true, point: keeps ? frame.point : null };
        if (!options.lp) return { ok: null, point: null };
        const r = check(frame.constraints, hs);
        if (!r.feasible) lpPruned++;
        return { ok: r.feasible, point: r.feasible ? r.point : null };
      };
      const on = side(pos, onHs);
      const off = side(neg, offHs);
      if (on.ok === false && off.ok === false) return null; // a numerically empty region
      if (on.ok === false || off.ok === false) {
        // Only one side can occur: the unit's sign follows from the path; no split.
        const active = on.ok !== false;
        frame = decide(frame, active, active ? onHs : offHs, active ? on.point : off.point);
        continue;
      }
      if (nodeCount >= options.limit) {
        truncated = true;
        return null;
      }
      nodeCount++;
      const split: BSplit = { kind: 'split', layer: frame.layer, unit: j, a, c, yes: null, no: null, counts: countsOf(idx) };
      const sides: ['yes' | 'no', boolean | null, HalfSpace, number[], number[] | null][] = [
        ['yes', on.ok, onHs, pos, on.point],
        ['no', off.ok, offHs, neg, off.point],
      ];
      for (const [name, ok, hs, members, point] of sides) {
        const child = decide(frame, name === 'yes', hs, point);
        if (ok === null) continue; // unexplored: no LP to tell
        if (members.length === 0 && phase === 'witness') {
          split[name] = { kind: 'deferred', frame: child };
          deferred.push({ owner: split, side: name });
        } else {
          split[name] = grow(child, Int32Array.from(members), phase);
        }
      }
      return split;
    }
  };

  const first = inputMap(chain);
  let root: Slot;
  if (chain.hidden.length === 0) {
    nodeCount++;
    root = { kind: 'leaf', outputs: first.map, point: null, counts: countsOf(Int32Array.from({ length: n }, (_, i) => i)) };
  } else {
    const frame: Frame = { layer: 0, unit: 0, map: first.map, active: new Uint8Array(first.map.outDim), constraints: null, point: null };
    root = grow(frame, Int32Array.from({ length: n }, (_, i) => i), 'witness');
  }

  // LP closure: the feasible sides no point reached, in the order they were met.
  for (const { owner, side } of deferred) {
    const slot = owner[side] as BDeferred;
    owner[side] = grow(slot.frame, new Int32Array(0), 'closure');
  }
  let complete = Boolean(options.lp);
  if (truncated) complete = false;

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
