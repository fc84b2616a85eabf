import type { TreeResult } from '../analysis/tree/index.js';
import type { TreeNode } from '../analysis/tree/types.js';
import type { TreeAnalysis, TreeWireNode } from '../protocol/messages.js';
import { leafPolygons, type Box2 } from './regionPolygons.js';

/**
 * What of a tree goes to the panel. An exact tree on images has thousands of nodes with
 * a 784-weight rule each and a 7,840-weight model in each leaf: hundreds of megabytes of
 * JSON nobody can read. The panel gets the text of each rule (already cut to its largest
 * terms), never the weight arrays; trees over many inputs only their top levels and the
 * first rules, with a note saying so and how to get everything.
 */
export const WIRE_LIMITS = {
  /** Nodes and rules sent for a tree on few inputs. */
  nodes: 20000,
  rules: 2000,
  /** Characters of rule text sent at most (the rules list is cut there). */
  ruleChars: 2_000_000,
  /** Above this many inputs only the top of the tree is sent. */
  summaryInputs: 64,
  summaryNodes: 255,
  summaryRules: 100,
  /** Leaves carry their linear model's text up to this many inputs. */
  leafModelInputs: 16,
} as const;

export function treeForWire(result: TreeResult, plane?: Box2, limits: Partial<typeof WIRE_LIMITS> = {}): TreeAnalysis {
  const lim = { ...WIRE_LIMITS, ...limits };
  const many = result.inputDim > lim.summaryInputs;
  const maxNodes = many ? lim.summaryNodes : lim.nodes;
  const maxRules = many ? lim.summaryRules : lim.rules;

  const kept = breadthFirst(result.nodes, result.root, maxNodes);
  const nodes = kept.map((n) => wireNode(n, result.inputDim <= lim.leafModelInputs));
  const rules: TreeAnalysis['rules'] = [];
  let chars = 0;
  for (const r of result.rules) {
    if (rules.length >= maxRules) break;
    const size = r.conclusion.length + r.conditions.reduce((s, c) => s + c.length + 6, 0);
    if (rules.length > 0 && chars + size > lim.ruleChars) break;
    chars += size;
    rules.push({ leaf: r.leaf, conditions: r.conditions, conclusion: r.conclusion });
  }

  const cut: string[] = [];
  if (nodes.length < result.nodes.length) cut.push(`the top ${nodes.length.toLocaleString('en')} of its ${result.nodes.length.toLocaleString('en')} nodes`);
  if (rules.length < result.rules.length) cut.push(`the first ${rules.length.toLocaleString('en')} of its ${result.rules.length.toLocaleString('en')} rules`);
  const summary = cut.length
    ? `${many ? `With ${result.inputDim} inputs every rule is a long weighted sum and the tree is too large to show whole` : 'The tree is too large to show whole'}: ` +
      `this is a summary with ${cut.join(' and ')}. The command line gives all of it: \`tensorloom tree FILE --checkpoint DIR --method ${result.method} --json\`.`
    : undefined;

  const out: TreeAnalysis = {
    method: result.method,
    fidelity: result.fidelity,
    fidelitySamples: result.fidelitySamples,
    accuracy: result.accuracy,
    networkAccuracy: result.networkAccuracy,
    size: result.size,
    depth: result.depth,
    regions: result.regions,
    inputDim: result.inputDim,
    featureNames: result.featureNames,
    classNames: result.classNames,
    root: result.root,
    nodes,
    rules,
    rulesTotal: result.rules.length,
    ...(summary ? { summary } : {}),
    truncated: result.method === 'exact' ? result.truncated : false,
    limit: result.method === 'exact' ? result.limit : null,
    ...(result.warning ? { warning: result.warning } : {}),
    elapsedMs: result.elapsedMs,
  };
  if (result.method === 'exact') {
    out.exact = { complete: result.complete, coverage: result.coverage, addedOnDemand: result.addedOnDemand, regionBound: result.regionBound, hiddenUnits: result.hiddenUnits, lp: result.lp };
  } else {
    out.cnet = { trainFidelity: result.trainFidelity, inputRuleFidelity: result.inputRuleFidelity, hiddenLayer: result.hiddenLayer, exactRules: result.exactRules };
  }
  if (plane && result.inputDim === 2) {
    const sent = new Set(kept.map((n) => n.id));
    const regions = leafPolygons(result.nodes, result.root, plane).filter((r) => sent.has(r.leaf));
    out.plane = { ...plane, regions, approximate: result.method === 'cnet' && !result.exactRules };
  }
  return out;
}

/** The first `max` nodes breadth first from the root (every node's parent comes before it). */
export function breadthFirst(nodes: TreeNode[], root: number | null, max: number): TreeNode[] {
  if (root === null) return [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out: TreeNode[] = [];
  const queue = [root];
  for (let head = 0; head < queue.length && out.length < max; head++) {
    const node = byId.get(queue[head]);
    if (!node) continue;
    out.push(node);
    if (node.kind === 'split') for (const c of [node.yes, node.no]) if (c !== null) queue.push(c);
  }
  return out;
}

function wireNode(n: TreeNode, withModel: boolean): TreeWireNode {
  const base = { id: n.id, parent: n.parent, depth: n.depth, samples: n.samples, classCounts: n.classCounts };
  if (n.kind === 'leaf') {
    return { ...base, kind: 'leaf', class: n.class, ...(withModel && n.outputs ? { model: n.outputs.text } : {}) };
  }
  return {
    ...base,
    kind: 'split',
    rule: n.rule.text,
    yes: n.yes,
    no: n.no,
    ...(n.unit ? { unit: `${n.unit.nodeId} #${n.unit.index}` } : {}),
    ...(n.hidden ? { hidden: n.hidden.text } : {}),
    ...(n.exact !== undefined ? { exact: n.exact } : {}),
  };
}
