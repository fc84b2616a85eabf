/**
 * A C4.5-style univariate decision tree on continuous features (Quinlan 1993, with the
 * Release 8 changes of 1996), the first stage of C-Net:
 *  - binary splits `x_f ≤ t`, t the midpoint between neighbouring distinct values (as
 *    scikit-learn; C4.5 itself takes the lower value, the same on the training data);
 *  - per feature the threshold of highest information gain, reduced by the Release 8
 *    MDL charge log2(candidates)/n for having chosen among the thresholds;
 *  - among features whose gain is at least the average gain, the one of highest gain
 *    ratio (gain / split information);
 *  - at least `minLeaf` examples on each side of a split (C4.5's -m, default 2);
 *  - pessimistic error pruning by subtree replacement: a subtree becomes a leaf when
 *    the leaf's upper confidence limit on errors (binomial, confidence `confidence`,
 *    default 0.25 as C4.5's -c 25) is no more than the subtree's sum plus 0.1. C4.5
 *    also tries subtree raising; this tree does not. C4.5 approximates the limit with a
 *    normal formula; here it is the exact binomial bound.
 */
export interface C45Options {
  minLeaf?: number;
  maxDepth?: number;
  /** Pruning confidence (0..1); null turns pruning off. */
  confidence?: number | null;
  /** Charge log2(candidate thresholds)/n against each feature's gain (C4.5 R8). */
  mdl?: boolean;
}

export type UNode =
  | { kind: 'leaf'; counts: number[]; n: number; cls: number }
  | { kind: 'split'; feature: number; threshold: number; left: UNode; right: UNode; counts: number[]; n: number; cls: number; gainRatio: number };

export function fitC45(X: ArrayLike<number>, features: number, y: ArrayLike<number>, numClasses: number, options: C45Options = {}): UNode {
  const minLeaf = options.minLeaf ?? 2;
  const maxDepth = options.maxDepth ?? 30;
  const mdl = options.mdl ?? true;
  const n = y.length;
  const values = new Float64Array(n);
  const grow = (idx: Uint32Array, depth: number): UNode => {
    const counts = classCounts(idx, y, numClasses);
    const cls = argmaxCount(counts);
    const m = idx.length;
    if (depth >= maxDepth || m < 2 * minLeaf || counts[cls] === m) return { kind: 'leaf', counts, n: m, cls };
    const parentEntropy = entropy(counts, m);
    const best: { feature: number; threshold: number; gain: number; ratio: number }[] = [];
    const left = new Array(numClasses).fill(0);
    for (let f = 0; f < features; f++) {
      for (let k = 0; k < m; k++) values[k] = X[idx[k] * features + f];
      const order = sortedOrder(values, m);
      left.fill(0);
      let bestGain = -Infinity;
      let bestAt = -1;
      let candidates = 0;
      for (let k = 0; k < m - 1; k++) {
        left[y[idx[order[k]]]]++;
        const v = values[order[k]];
        const next = values[order[k + 1]];
        if (!(next > v)) continue;
        candidates++;
        const nl = k + 1;
        const nr = m - nl;
        if (nl < minLeaf || nr < minLeaf) continue;
        const gain = parentEntropy - (nl / m) * entropyOfLeft(left, nl) - (nr / m) * entropyOfRest(counts, left, nr);
        if (gain > bestGain + 1e-12) {
          bestGain = gain;
          bestAt = k;
        }
      }
      if (bestAt < 0) continue;
      const gain = bestGain - (mdl && candidates > 1 ? Math.log2(candidates) / m : 0);
      if (!(gain > 1e-12)) continue;
      const nl = bestAt + 1;
      const split = -((nl / m) * Math.log2(nl / m) + ((m - nl) / m) * Math.log2((m - nl) / m));
      const threshold = (values[order[bestAt]] + values[order[bestAt + 1]]) / 2;
      best.push({ feature: f, threshold, gain, ratio: gain / split });
    }
    if (best.length === 0) return { kind: 'leaf', counts, n: m, cls };
    const average = best.reduce((s, b) => s + b.gain, 0) / best.length;
    let chosen = best[0];
    let chosenRatio = -Infinity;
    for (const b of best) {
      if (b.gain >= average - 1e-12 && b.ratio > chosenRatio) {
        chosen = b;
        chosenRatio = b.ratio;
      }
    }
    const l: number[] = [];
    const r: number[] = [];
    for (const i of idx) (X[i * features + chosen.feature] <= chosen.threshold ? l : r).push(i);
    return {
      kind: 'split',
      feature: chosen.feature,
      threshold: chosen.threshold,
      left: grow(Uint32Array.from(l), depth + 1),
      right: grow(Uint32Array.from(r), depth + 1),
      counts,
      n: m,
      cls,
      gainRatio: chosen.ratio,
    };
  };
  const tree = grow(Uint32Array.from({ length: n }, (_, i) => i), 0);
  return options.confidence === null ? tree : prune(tree, options.confidence ?? 0.25).node;
}

export function predictC45(tree: UNode, X: ArrayLike<number>, features: number, i: number): number {
  let node = tree;
  while (node.kind === 'split') node = X[i * features + node.feature] <= node.threshold ? node.left : node.right;
  return node.cls;
}

/** Bottom-up subtree replacement; returns the pruned node and its estimated errors. */
function prune(node: UNode, cf: number): { node: UNode; errors: number } {
  const leafErrors = estimatedErrors(node.n, node.n - node.counts[node.cls], cf);
  if (node.kind === 'leaf') return { node, errors: leafErrors };
  const l = prune(node.left, cf);
  const r = prune(node.right, cf);
  const subtree = l.errors + r.errors;
  if (leafErrors <= subtree + 0.1) return { node: { kind: 'leaf', counts: node.counts, n: node.n, cls: node.cls }, errors: leafErrors };
  return { node: { ...node, left: l.node, right: r.node }, errors: subtree };
}

/** n·U_cf(e, n): the upper `cf` confidence limit of the error rate, times n. */
export function estimatedErrors(n: number, e: number, cf: number): number {
  if (n === 0) return 0;
  if (e >= n) return n;
  // The p at which P(errors ≤ e | n, p) = cf; the CDF falls as p grows.
  let lo = e / n;
  let hi = 1;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(e, n, mid) > cf) lo = mid;
    else hi = mid;
  }
  return n * ((lo + hi) / 2);
}

function binomialCdf(e: number, n: number, p: number): number {
  if (p <= 0) return 1;
  if (p >= 1) return e >= n ? 1 : 0;
  const lq = Math.log1p(-p);
  const ratio = Math.log(p) - lq;
  let logTerm = n * lq;
  let maxLog = logTerm;
  const logs = [logTerm];
  for (let i = 0; i < e; i++) {
    logTerm += Math.log(n - i) - Math.log(i + 1) + ratio;
    logs.push(logTerm);
    if (logTerm > maxLog) maxLog = logTerm;
  }
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - maxLog);
  return Math.min(1, Math.exp(maxLog) * sum);
}

function classCounts(idx: Uint32Array, y: ArrayLike<number>, k: number): number[] {
  const c = new Array(k).fill(0);
  for (const i of idx) c[y[i]]++;
  return c;
}

function argmaxCount(c: number[]): number {
  let b = 0;
  for (let i = 1; i < c.length; i++) if (c[i] > c[b]) b = i;
  return b;
}

function entropy(counts: number[], n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log2(c / n);
  return h;
}

function entropyOfLeft(left: number[], n: number): number {
  return entropy(left, n);
}

function entropyOfRest(total: number[], left: number[], n: number): number {
  let h = 0;
  for (let k = 0; k < total.length; k++) {
    const c = total[k] - left[k];
    if (c > 0) h -= (c / n) * Math.log2(c / n);
  }
  return h;
}

function sortedOrder(values: Float64Array, m: number): Uint32Array {
  const order = Uint32Array.from({ length: m }, (_, i) => i);
  order.sort((a, b) => values[a] - values[b]);
  return order;
}
