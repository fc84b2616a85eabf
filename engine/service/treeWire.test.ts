import { describe, expect, it } from 'vitest';
import type { ExactTreeResult } from '../analysis/tree/index.js';
import type { TreeNode } from '../analysis/tree/types.js';
import { breadthFirst, treeForWire } from './treeWire.js';

/** A complete binary exact tree of the given depth over `d` inputs, with full weight arrays as the engine makes them. */
function exactTree(depth: number, d: number): ExactTreeResult {
  const nodes: TreeNode[] = [];
  const names = Array.from({ length: d }, (_, i) => `x${i}`);
  const add = (parent: number | null, level: number): number => {
    const id = nodes.length;
    const base = { id, parent, depth: level, samples: 10, classCounts: [5, 5], labelCounts: [5, 5] };
    if (level === depth) {
      nodes.push({ ...base, kind: 'leaf', class: id % 2, outputs: { weights: [new Array(d).fill(0.5), new Array(d).fill(-0.5)], bias: [0, 0], text: ['0.5·x0 + …', '−0.5·x0 − …'] } });
      return id;
    }
    const node = { ...base, kind: 'split' as const, rule: { weights: new Array(d).fill(0.25), bias: 1, op: '>' as const, text: `0.25·x0 + … > 0 (${id})` }, yes: null as number | null, no: null as number | null };
    nodes.push(node);
    node.yes = add(id, level + 1);
    node.no = add(id, level + 1);
    return id;
  };
  add(null, 0);
  const leaves = nodes.filter((n) => n.kind === 'leaf');
  return {
    method: 'exact', inputDim: d, featureNames: names, classNames: ['a', 'b'], root: 0, nodes,
    size: nodes.length, depth, regions: leaves.length,
    rules: leaves.map((l) => ({ leaf: l.id, conditions: ['0.25·x0 + … > 0'], conclusion: 'a' })),
    fidelity: 1, fidelitySamples: 100, coverage: 1, addedOnDemand: 0, maxOutputError: 0, accuracy: 0.9, networkAccuracy: 0.9,
    complete: true, truncated: false, limit: 5000, lp: { used: false, checks: 0, pruned: 0 }, domain: { lo: [], hi: [] },
    regionBound: null, hiddenUnits: depth, elapsedMs: 1,
  };
}

describe('trees for the panel', () => {
  it('sends rule text, never weight arrays, and keeps leaf models only for few inputs', () => {
    const small = treeForWire(exactTree(3, 2));
    expect(small.nodes).toHaveLength(15);
    expect(JSON.stringify(small)).not.toMatch(/"weights"|"bias"/);
    expect(small.nodes[0].rule).toBe('0.25·x0 + … > 0 (0)');
    expect(small.nodes.find((n) => n.kind === 'leaf')!.model).toEqual(['0.5·x0 + …', '−0.5·x0 − …']);
    expect(small.summary).toBeUndefined();
    expect(small.exact!.complete).toBe(true);
  });

  it('summarises a tree on images: its top levels and first rules, a note saying how to get all, and a small message', () => {
    const big = exactTree(10, 784); // 2,047 nodes with 784 weights in each rule
    const wire = treeForWire(big);
    expect(wire.size).toBe(2047);
    expect(wire.nodes.length).toBe(255);
    // Breadth first: the top 8 levels whole, each node's parent sent before it.
    expect(Math.max(...wire.nodes.map((n) => n.depth))).toBe(7);
    const sent = new Set(wire.nodes.map((n) => n.id));
    expect(wire.nodes.every((n) => n.parent === null || sent.has(n.parent))).toBe(true);
    expect(wire.rules).toHaveLength(100);
    expect(wire.rulesTotal).toBe(1024);
    expect(wire.summary).toMatch(/784 inputs.*top 255 of its 2,047 nodes.*first 100 of its 1,024 rules.*tensorloom tree/);
    expect(wire.nodes.some((n) => n.model)).toBe(false);
    expect(JSON.stringify(wire).length).toBeLessThan(100_000);
    expect(JSON.stringify(big).length).toBeGreaterThan(5_000_000);
  });

  it('lists nodes breadth first up to a count', () => {
    const t = exactTree(3, 2);
    expect(breadthFirst(t.nodes, t.root, 3).map((n) => n.depth)).toEqual([0, 1, 1]);
    expect(breadthFirst(t.nodes, null, 3)).toEqual([]);
  });
});
