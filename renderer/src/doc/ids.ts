import type { Graph, GraphEdge, GraphNode } from '../../../engine/graph/schema.js';

/** A readable, unused node id for a kind: "linear1", "linear2", ... */
export function nextNodeId(taken: Iterable<string>, type: string): string {
  const used = new Set(taken);
  const base = type.replace(/[^A-Za-z0-9_]/g, '').toLowerCase() || 'node';
  for (let n = 1; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

export function nodeIds(graph: Pick<Graph, 'nodes'>): string[] {
  return graph.nodes.map((n) => n.id);
}

/**
 * The key that names an edge on the canvas. Files may leave edge ids out, so the key
 * falls back to the endpoints as written (two identical edges are a problem anyway).
 */
export function edgeKey(edge: GraphEdge): string {
  return edge.id ?? `${edge.source}:${edge.sourcePort ?? ''}->${edge.target}:${edge.targetPort ?? ''}`;
}

const nodeIndexes = new WeakMap<readonly GraphNode[], ReadonlyMap<string, GraphNode>>();

/**
 * The node with this id, from an index built once per node list: edits share the list
 * they leave alone (immer), so hundreds of views asking after each edit cost one pass.
 */
export function nodeById(graph: Pick<Graph, 'nodes'>, id: string): GraphNode | undefined {
  let index = nodeIndexes.get(graph.nodes);
  if (!index) {
    const byId = new Map<string, GraphNode>();
    for (const n of graph.nodes) byId.set(n.id, n);
    nodeIndexes.set(graph.nodes, (index = byId));
  }
  return index.get(id);
}
