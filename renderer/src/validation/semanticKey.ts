import type { Graph } from '../../../engine/graph/schema.js';

/**
 * What validation depends on: everything but positions, labels and meta. Moving a node
 * changes the document but must not re-run shape inference 60 times a second.
 */
export function semanticKey(graph: Graph): string {
  return JSON.stringify([graph.dataset, graph.training ?? null, graph.nodes.map((n) => [n.id, n.type, n.params ?? null]), graph.edges]);
}

/** What trained weights depend on: the nodes, their params and the edges (not data or training settings). */
export function modelKey(graph: Graph): string {
  return JSON.stringify([graph.nodes.map((n) => [n.id, n.type, n.params ?? null]), graph.edges]);
}

/**
 * A key for successive graphs that changes exactly when `semanticKey` would, without
 * writing out a thousand nodes on every edit: edits share the parts they leave alone
 * (immer), so the graph is compared with the previous one by identity and by the few
 * parts that changed. The key is opaque (a counter), only meant to be compared with the
 * key of the graph before.
 */
export function createSemanticKey(): (graph: Graph) => string {
  let last: { graph: Graph; key: string } | null = null;
  let version = 0;
  return (graph) => {
    const key = last && sameSemantics(last.graph, graph) ? last.key : `v${++version}`;
    last = { graph, key };
    return key;
  };
}

/** The two graphs have the same `semanticKey`, comparing only what changed identity. */
function sameSemantics(a: Graph, b: Graph): boolean {
  return (
    sameJson(a.dataset, b.dataset) &&
    sameJson(a.training, b.training) &&
    sameList(a.nodes, b.nodes, (x, y) => x.id === y.id && x.type === y.type && sameJson(x.params, y.params)) &&
    sameList(a.edges, b.edges, sameJson)
  );
}

function sameList<T>(a: T[], b: T[], same: (x: T, y: T) => boolean): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => x === b[i] || same(x, b[i])));
}

// As semanticKey writes them: a missing value as null.
const sameJson = (x: unknown, y: unknown) => x === y || JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
