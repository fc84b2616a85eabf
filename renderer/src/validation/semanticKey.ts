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
