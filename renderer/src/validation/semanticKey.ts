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
 * `semanticKey`, remembering the last graph it was asked about. Edits share the parts
 * they leave alone (immer), so a graph that differs from that one only in positions or
 * labels (a drag) is recognised by identity, and by the few moved nodes, without
 * writing out a thousand nodes again: it gets the same key back.
 */
export function createSemanticKey(): (graph: Graph) => string {
  let last: { graph: Graph; key: string } | null = null;
  return (graph) => {
    const key = last && sameSemantics(last.graph, graph) ? last.key : semanticKey(graph);
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
