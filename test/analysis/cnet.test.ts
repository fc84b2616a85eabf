import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/backend/select.js';
import { createRng } from '../../engine/util/hash.js';
import { extractCNet, fitC45, predictC45, reluChain, type SplitNode } from '../../engine/analysis/tree/index.js';
import { estimatedErrors } from '../../engine/analysis/tree/c45.js';
import { runNetwork } from '../../engine/analysis/tree/network.js';
import { mlpGraph, runPython, sklearnAvailable, trained } from './helpers.js';

const spirals = { name: 'spirals', params: { samples: 400, noise: 0.1 } };

function argmaxRows(values: Float32Array, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length / k; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (values[i * k + j] > values[i * k + best]) best = j;
    out.push(best);
  }
  return out;
}

describe('C-Net', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it.skipIf(!sklearnAvailable())('gives accuracy and fidelity comparable to scikit-learn\'s entropy tree on the same hidden features', async () => {
    const { model, data } = await trained(mlpGraph([16], spirals, { epochs: 40 }));
    const chain = reluChain(model);
    const train = await runNetwork(model, chain, data.spec, data.train.x as Float32Array, { hidden: true });
    const test = await runNetwork(model, chain, data.spec, data.test.x as Float32Array, { hidden: true });
    const h = 16;
    const rows = (a: Float32Array) => Array.from({ length: a.length / h }, (_, i) => Array.from(a.subarray(i * h, (i + 1) * h)));
    const sk = runPython<{ accuracy: number; fidelity: number; nodes: number; depth: number; leaves: number }>(
      [
        'from sklearn.tree import DecisionTreeClassifier',
        'import numpy as np',
        "clf = DecisionTreeClassifier(criterion='entropy', min_samples_leaf=2, random_state=0)",
        "clf.fit(np.array(data['htrain']), np.array(data['target']))",
        "p = clf.predict(np.array(data['htest']))",
        "result = {'accuracy': float(np.mean(p == np.array(data['labels']))), 'fidelity': float(np.mean(p == np.array(data['net']))),",
        "          'nodes': int(clf.tree_.node_count), 'depth': int(clf.get_depth()), 'leaves': int(clf.get_n_leaves())}",
      ].join('\n'),
      {
        htrain: rows(train.hidden!),
        target: argmaxRows(train.outputs, 2),
        htest: rows(test.hidden!),
        labels: Array.from(data.test.y),
        net: argmaxRows(test.outputs, 2),
      },
    );
    const ours = await extractCNet(model, data);
    const unpruned = await extractCNet(model, data, { c45: { confidence: null, mdl: false } });
    console.log(
      'C-Net vs scikit-learn (test split)\n' +
        `  ours (gain ratio, pruned):   accuracy ${ours.accuracy!.toFixed(4)} fidelity ${ours.fidelity.toFixed(4)} nodes ${ours.size} depth ${ours.depth}\n` +
        `  ours (gain ratio, unpruned): accuracy ${unpruned.accuracy!.toFixed(4)} fidelity ${unpruned.fidelity.toFixed(4)} nodes ${unpruned.size} depth ${unpruned.depth}\n` +
        `  sklearn (entropy):           accuracy ${sk.accuracy.toFixed(4)} fidelity ${sk.fidelity.toFixed(4)} nodes ${sk.nodes} depth ${sk.depth}\n` +
        `  network:                     accuracy ${ours.networkAccuracy!.toFixed(4)}`,
    );
    expect(Math.abs(ours.accuracy! - sk.accuracy)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(ours.fidelity - sk.fidelity)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(unpruned.accuracy! - sk.accuracy)).toBeLessThanOrEqual(0.05);
    // Pruning and the MDL charge only ever remove splits.
    expect(ours.size).toBeLessThanOrEqual(unpruned.size);
    expect(ours.fidelity).toBeGreaterThan(0.85);
    model.dispose();
  });

  it('back-projects each split of a one-hidden-layer network to an equivalent rule on the inputs', async () => {
    const { model, data } = await trained(mlpGraph([8], spirals, { epochs: 30 }));
    const result = await extractCNet(model, data);
    expect(result.exactRules).toBe(true);
    expect(result.warning).toBeUndefined();
    expect(result.inputRuleFidelity).toBe(result.fidelity);
    const chain = reluChain(model);
    const run = await runNetwork(model, chain, data.spec, data.train.x as Float32Array, { hidden: true });
    const splits = result.nodes.filter((n): n is SplitNode => n.kind === 'split');
    expect(splits.length).toBeGreaterThan(2);
    let compared = 0;
    for (const s of splits) {
      expect(s.exact).toBe(true);
      expect(s.rule.op).toBe('<=');
      expect(s.hidden!.threshold).toBeGreaterThanOrEqual(0);
      for (let i = 0; i < data.train.count; i++) {
        const hv = run.hidden![i * 8 + s.hidden!.index];
        if (Math.abs(hv - s.hidden!.threshold) < 1e-4) continue; // float32 network vs float64 rule at the boundary
        const v = s.rule.weights[0] * data.train.x[2 * i] + s.rule.weights[1] * data.train.x[2 * i + 1] + s.rule.bias;
        expect(v <= 0).toBe(hv <= s.hidden!.threshold);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(splits.length * data.train.count * 0.9);
    expect(result.rules[0].conditions[0]).toMatch(/ ≤ 0 \(H\d+ ≤ [\d.]+\)$/);
    model.dispose();
  });

  it('keeps the splits on H for deeper networks, with the main region\'s input rule beside them', async () => {
    const { model, data } = await trained(mlpGraph([8, 8], spirals, { epochs: 30 }));
    const result = await extractCNet(model, data);
    expect(result.exactRules).toBe(false);
    expect(result.hiddenLayer).toEqual({ nodeId: 'a2', width: 8 });
    expect(result.warning).toMatch(/2 hidden layers/);
    const splits = result.nodes.filter((n): n is SplitNode => n.kind === 'split');
    for (const s of splits) {
      expect(s.exact).toBe(false);
      expect(s.regionShare).toBeGreaterThan(0);
      expect(s.regionShare).toBeLessThanOrEqual(1);
    }
    expect(result.fidelity).toBeGreaterThan(0.8);
    model.dispose();
  });
});

describe('C4.5-style univariate tree', () => {
  it('splits on the informative feature at the midpoint, by gain ratio', () => {
    const rng = createRng(3);
    const n = 200;
    const X: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const informative = i < n / 2 ? rng() : 2 + rng();
      X.push(rng() * 3, informative); // feature 0 is noise
      y.push(i < n / 2 ? 0 : 1);
    }
    const tree = fitC45(X, 2, y, 2);
    expect(tree.kind).toBe('split');
    if (tree.kind !== 'split') return;
    expect(tree.feature).toBe(1);
    const below = Math.max(...X.filter((_, k) => k % 2 === 1 && y[(k - 1) / 2] === 0));
    const above = Math.min(...X.filter((_, k) => k % 2 === 1 && y[(k - 1) / 2] === 1));
    expect(tree.threshold).toBeCloseTo((below + above) / 2, 12);
    expect(tree.left.kind).toBe('leaf');
    for (let i = 0; i < n; i++) expect(predictC45(tree, X, 2, i)).toBe(y[i]);
  });

  it('prunes splits that only fit label noise (pessimistic error)', () => {
    const rng = createRng(5);
    const n = 300;
    const X: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = rng();
      X.push(a, rng());
      const clean = a > 0.5 ? 1 : 0;
      y.push(rng() < 0.15 ? 1 - clean : clean);
    }
    const size = (t: ReturnType<typeof fitC45>): number => (t.kind === 'leaf' ? 1 : 1 + size(t.left) + size(t.right));
    const full = fitC45(X, 2, y, 2, { confidence: null, mdl: false });
    const pruned = fitC45(X, 2, y, 2);
    expect(size(pruned)).toBeLessThan(size(full) / 3);
    expect(pruned.kind === 'split' && pruned.feature).toBe(0);
  });

  it('estimates errors with C4.5\'s upper confidence limit', () => {
    // With no errors the limit has a closed form: 1 − CF^(1/N).
    for (const n of [1, 6, 40]) expect(estimatedErrors(n, 0, 0.25)).toBeCloseTo(n * (1 - 0.25 ** (1 / n)), 9);
    expect(estimatedErrors(10, 10, 0.25)).toBe(10);
    // More errors, or more confidence wanted, means a higher estimate.
    expect(estimatedErrors(20, 3, 0.25)).toBeGreaterThan(estimatedErrors(20, 2, 0.25));
    expect(estimatedErrors(20, 3, 0.1)).toBeGreaterThan(estimatedErrors(20, 3, 0.25));
  });
});
