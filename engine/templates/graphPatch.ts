import type { Graph, GraphEdge } from '../graph/schema.js';
import type { GraphPatch } from './templateSchema.js';

export class GraphPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphPatchError';
  }
}

/**
 * A copy of `graph` with `patch` applied (the input is not touched). Steps run in the
 * order documented in templates/README.md; a patch naming a node or edge the graph
 * does not have is a mistake in the template, so it throws instead of doing nothing.
 */
export function applyGraphPatch(graph: Graph, patch: GraphPatch | undefined): Graph {
  const out: Graph = structuredClone(graph);
  if (!patch) return out;
  const has = (id: string) => out.nodes.some((n) => n.id === id);
  const need = (id: string, what: string) => {
    if (!has(id)) throw new GraphPatchError(`${what}: the graph has no node "${id}"`);
  };

  for (const id of patch.removeNodes ?? []) {
    need(id, 'removeNodes');
    out.nodes = out.nodes.filter((n) => n.id !== id);
    out.edges = out.edges.filter((e) => e.source !== id && e.target !== id);
  }
  for (const id of patch.bypass ?? []) {
    need(id, 'bypass');
    const incoming = out.edges.filter((e) => e.target === id);
    if (incoming.length !== 1) throw new GraphPatchError(`bypass: node "${id}" has ${incoming.length} input edges; only a node with exactly one can be bypassed`);
    const from = incoming[0];
    out.edges = out.edges
      .filter((e) => e !== from)
      .map((e) => (e.source === id ? rewire(e, from) : e));
    out.nodes = out.nodes.filter((n) => n.id !== id);
  }
  for (const [id, params] of Object.entries(patch.setParams ?? {})) {
    need(id, 'setParams');
    const node = out.nodes.find((n) => n.id === id)!;
    node.params = { ...node.params, ...params };
  }
  for (const node of patch.addNodes ?? []) {
    if (has(node.id)) throw new GraphPatchError(`addNodes: the graph already has a node "${node.id}"`);
    out.nodes.push(structuredClone(node));
  }
  out.edges.push(...(patch.addEdges ?? []).map((e) => structuredClone(e)));
  for (const spec of patch.removeEdges ?? []) {
    const matches = (e: GraphEdge) =>
      e.source === spec.source && e.target === spec.target &&
      (spec.sourcePort === undefined || e.sourcePort === spec.sourcePort) &&
      (spec.targetPort === undefined || e.targetPort === spec.targetPort);
    if (!out.edges.some(matches)) throw new GraphPatchError(`removeEdges: the graph has no edge ${spec.source} → ${spec.target}`);
    out.edges = out.edges.filter((e) => !matches(e));
  }
  if (patch.dataset) out.dataset = mergeDataset(out.dataset, patch.dataset);
  return out;
}

/** An edge leaving a bypassed node, now leaving that node's input (with its port, not the bypassed node's). */
function rewire(edge: GraphEdge, from: GraphEdge): GraphEdge {
  const { sourcePort: _dropped, ...rest } = edge;
  return { ...rest, source: from.source, ...(from.sourcePort ? { sourcePort: from.sourcePort } : {}) };
}

export function mergeDataset(ref: Graph['dataset'], override: { params?: Record<string, number | boolean | string>; testFraction?: number }): Graph['dataset'] {
  return {
    ...ref,
    ...(override.params ? { params: { ...ref.params, ...override.params } } : {}),
    ...(override.testFraction !== undefined ? { testFraction: override.testFraction } : {}),
  };
}
