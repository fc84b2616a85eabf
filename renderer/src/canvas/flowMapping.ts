import type { Edge, Node } from '@xyflow/react';
import type { Graph } from '../../../engine/graph/schema.js';
import type { NodeKindInfo } from '../../../engine/protocol/messages.js';
import { resolvePorts } from '../doc/graphEdits.js';
import { edgeKey } from '../doc/ids.js';
import { layoutMissing } from './autoLayout.js';

/**
 * What React Flow holds of a node: where it is and what its ports are. Its parameters,
 * label, problems and shapes are read by the node's own view from the document and the
 * validation store (LoomNode), so an edit of a parameter or a validation answer changes
 * nothing here and React Flow does not re-adopt a thousand nodes for it.
 */
export type LoomNodeData = {
  /** The node's type, as the document says (also for kinds the engine does not know). */
  type: string;
  kind: NodeKindInfo | undefined;
  /** For a kind the engine does not know: the ports its edges use, so they stay drawn. */
  guessedPorts?: { inputs: string[]; outputs: string[] };
};

/** Edges carry no data: ShapeEdge reads its inferred shape and problems from the validation store. */
export type ShapeEdgeData = Record<string, never>;

export type LoomFlowNode = Node<LoomNodeData, 'loom'>;
export type ShapeFlowEdge = Edge<ShapeEdgeData, 'shape'>;

export interface FlowInputs {
  graph: Graph;
  kinds: ReadonlyMap<string, NodeKindInfo>;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  measured: Readonly<Record<string, { width: number; height: number }>>;
}

const NO_DATA: ShapeEdgeData = {};

/**
 * The canvas is a view of the document: React Flow nodes and edges are derived from
 * the graph, never edited in place. The cache hands back the previous object for a
 * node whose inputs did not change, so React Flow skips it, and the previous list when
 * no item changed, so React Flow does nothing at all.
 */
export class FlowMapper {
  private nodeCache = new Map<string, { deps: unknown[]; value: LoomFlowNode }>();
  private edgeCache = new Map<string, { deps: unknown[]; value: ShapeFlowEdge }>();
  private lastNodes: LoomFlowNode[] = [];
  private lastEdges: ShapeFlowEdge[] = [];
  private lastEdgesKey: unknown[] | null = null;

  nodes(input: FlowInputs): LoomFlowNode[] {
    const placed = layoutMissing(input.graph);
    const next = new Map<string, { deps: unknown[]; value: LoomFlowNode }>();
    const out = input.graph.nodes.map((node) => {
      const kind = input.kinds.get(node.type);
      const selected = input.selectedNodes.has(node.id);
      const measured = input.measured[node.id];
      const position = node.position ?? placed.get(node.id) ?? { x: 0, y: 0 };
      const guessedPorts = kind ? undefined : portsUsedBy(input.graph, node.id);
      const deps = [node.type, kind, selected, measured, position.x, position.y, guessedPorts?.inputs.join(), guessedPorts?.outputs.join()];
      const cached = this.nodeCache.get(node.id);
      const value =
        cached && sameDeps(cached.deps, deps)
          ? cached.value
          : {
              id: node.id,
              type: 'loom' as const,
              position: { x: position.x, y: position.y },
              selected,
              ...(measured ? { measured } : {}),
              data: { type: node.type, kind, ...(guessedPorts ? { guessedPorts } : {}) },
            };
      next.set(node.id, { deps, value });
      return value;
    });
    this.nodeCache = next;
    return (this.lastNodes = sameItems(this.lastNodes, out) ? this.lastNodes : out);
  }

  edges(input: FlowInputs): ShapeFlowEdge[] {
    // Edges depend on the nodes only through their types (default port names): an edit
    // of a node's params, label or position leaves them as they were, without a look.
    const key = [input.graph.edges, input.kinds, input.selectedEdges, input.graph.nodes.map((n) => n.type).join()];
    if (this.lastEdgesKey && sameDeps(this.lastEdgesKey, key)) return this.lastEdges;
    this.lastEdgesKey = key;
    const typeOf = new Map(input.graph.nodes.map((n) => [n.id, n.type]));
    const lookup = (type: string) => input.kinds.get(type);
    const next = new Map<string, { deps: unknown[]; value: ShapeFlowEdge }>();
    const out = input.graph.edges.map((edge) => {
      const id = edgeKey(edge);
      const ports = resolvePorts(edge, lookup, (n) => typeOf.get(n));
      const selected = input.selectedEdges.has(id);
      const deps = [edge, ports.sourcePort, ports.targetPort, selected];
      const cached = this.edgeCache.get(id);
      const value =
        cached && sameDeps(cached.deps, deps)
          ? cached.value
          : {
              id,
              type: 'shape' as const,
              source: edge.source,
              target: edge.target,
              sourceHandle: ports.sourcePort,
              targetHandle: ports.targetPort,
              selected,
              data: NO_DATA,
            };
      next.set(id, { deps, value });
      return value;
    });
    this.edgeCache = next;
    // Moving a node changes the graph but no edge: the same array tells React Flow so,
    // which spares it re-indexing every edge on every frame of a drag.
    return (this.lastEdges = sameItems(this.lastEdges, out) ? this.lastEdges : out);
  }
}

function portsUsedBy(graph: Graph, id: string): { inputs: string[]; outputs: string[] } {
  const inputs = new Set<string>();
  const outputs = new Set<string>();
  for (const e of graph.edges) {
    if (e.target === id) inputs.add(e.targetPort ?? 'in');
    if (e.source === id) outputs.add(e.sourcePort ?? 'out');
  }
  return { inputs: [...inputs], outputs: [...outputs] };
}

function sameItems<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameDeps(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
