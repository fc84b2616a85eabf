import { z } from 'zod';
import type { DatasetSpec } from '../data/spec.js';
import type { NodeKind } from '../nodes/kind.js';
import { resolveParams, type ParamValue } from '../nodes/params.js';
import { getKind, kindTypes } from '../nodes/registry.js';
import type { TensorType } from '../shapes/types.js';
import { parseJsonText } from './jsonText.js';
import type { Problem } from './problems.js';
import {
  DatasetRefSchema,
  EdgeSchema,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  NodeSchema,
  TrainingSchema,
  type Graph,
  type GraphEdge,
  type GraphNode,
} from './schema.js';
import { estimateMemory, DEFAULT_MEMORY_LIMIT } from './memory.js';
import { closestName } from '../util/closest.js';

/** An edge with both ports spelled out (defaults filled in). */
export interface ResolvedEdge {
  index: number;
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export interface CheckedNode {
  node: GraphNode;
  kind: NodeKind<any>;
  params: Record<string, ParamValue>;
}

export interface ValidationResult {
  /** The graph as far as it could be read (invalid nodes and edges left out), or null. */
  graph: Graph | null;
  problems: Problem[];
  /** Nodes of known kind in topological order (all nodes when there is no cycle). */
  order: string[];
  nodes: Map<string, CheckedNode>;
  edges: ResolvedEdge[];
  /** Inferred output types by node id and port. */
  outputTypes: Record<string, Record<string, TensorType>>;
  /** Inferred type carried by each edge, by edge index (null where unknown). */
  edgeTypes: (TensorType | null)[];
  datasetSpec: DatasetSpec | null;
  memory: { bytes: number; limit: number } | null;
}

export type DescribeDataset = (ref: Graph['dataset']) => { spec: DatasetSpec | null; problems: Problem[] };

export interface ValidateOptions {
  describeDataset?: DescribeDataset;
  /** Refuse graphs whose estimated training memory exceeds this many bytes. */
  memoryLimit?: number;
  /** Batch size used for the memory estimate when the graph has no training settings. */
  batchSize?: number;
  /**
   * Schema checks of node and edge objects seen before, by identity. Only for callers
   * whose graphs share unchanged items and never mutate them: the engine service, whose
   * graphs come from the wire and are rebuilt from deltas around the same objects.
   */
  itemChecks?: WeakMap<object, z.ZodSafeParseResult<unknown>>;
}

/** Validates a graph file's text: syntax errors and later problems carry line numbers. */
export function validateGraphText(text: string, options: ValidateOptions = {}): ValidationResult {
  const parsed = parseJsonText(text);
  if (parsed.problems.length) return emptyResult(parsed.problems);
  const result = validateGraph(parsed.value, options);
  for (const p of result.problems) {
    if (p.path && p.line === undefined) Object.assign(p, parsed.locate(pathSegments(p.path)) ?? {});
  }
  return result;
}

/**
 * Checks a graph completely and reports every problem at once: structure, kinds,
 * params, edges and ports, cycles, losses, dataset and shapes. Never throws.
 */
export function validateGraph(value: unknown, options: ValidateOptions = {}): ValidationResult {
  try {
    return new GraphChecker(options).check(value);
  } catch (err) {
    // A bug of ours must not take the app down with the user's file: report it as a problem.
    return emptyResult([{ severity: 'error', code: 'internal', message: `internal validator error: ${(err as Error).message}` }]);
  }
}

function emptyResult(problems: Problem[]): ValidationResult {
  return { graph: null, problems, order: [], nodes: new Map(), edges: [], outputTypes: {}, edgeTypes: [], datasetSpec: null, memory: null };
}

class GraphChecker {
  private problems: Problem[] = [];
  constructor(private options: ValidateOptions) {}

  check(value: unknown): ValidationResult {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return emptyResult([{ severity: 'error', code: 'not-a-graph', message: 'the file must hold a JSON object with "format": "tensorloom.graph"' }]);
    }
    const raw = value as Record<string, unknown>;
    if (raw.format !== GRAPH_FORMAT) {
      this.error('format', `"format" must be "${GRAPH_FORMAT}"${raw.format === undefined ? '' : `, got ${JSON.stringify(raw.format)?.slice(0, 60)}`}: this is not a Tensorloom graph file`, { path: 'format' });
    }
    if (raw.version !== GRAPH_VERSION) {
      const newer = typeof raw.version === 'number' && raw.version > GRAPH_VERSION;
      this.error('version', newer ? `the file is format version ${raw.version}, made by a newer Tensorloom; this one reads version ${GRAPH_VERSION}` : `"version" must be ${GRAPH_VERSION}`, { path: 'version' });
    }
    const dataset = this.parsePart(DatasetRefSchema, raw.dataset, 'dataset');
    const training = raw.training === undefined ? undefined : this.parsePart(TrainingSchema, raw.training, 'training') ?? undefined;
    const meta = raw.meta && typeof raw.meta === 'object' && !Array.isArray(raw.meta) ? (raw.meta as Graph['meta']) : undefined;
    const nodes = this.parseList(raw.nodes, 'nodes', NodeSchema);
    const edges = this.parseList(raw.edges, 'edges', EdgeSchema);

    const graph: Graph = {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      ...(meta ? { meta } : {}),
      dataset: dataset ?? { name: '' },
      nodes: nodes.map((n) => n.value),
      edges: edges.map((e) => e.value),
      ...(training ? { training } : {}),
    };
    const checked = this.checkNodes(nodes);
    const resolved = this.checkEdges(edges, checked);
    const order = this.topologicalOrder(checked, resolved);
    this.checkRequiredInputs(checked, resolved);
    this.checkLoss(checked, training);
    const datasetSpec = dataset ? this.describeDataset(dataset) : null;
    const { outputTypes, edgeTypes } = this.inferShapes(order, checked, resolved, edges.length, datasetSpec);
    const memory = this.checkMemory(order, checked, resolved, outputTypes, training?.batchSize ?? this.options.batchSize ?? 64);
    return { graph, problems: this.problems, order, nodes: checked, edges: resolved, outputTypes, edgeTypes, datasetSpec, memory };
  }

  private error(code: string, message: string, where: Partial<Problem> = {}): void {
    this.problems.push({ severity: 'error', code, message, ...where });
  }

  private parsePart<T>(schema: z.ZodType<T>, value: unknown, path: string): T | null {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const issue of r.error.issues) {
      const sub = issue.path.map(String);
      this.error(path, `${[path, ...sub].join('.')}: ${issue.message}`, { path: joinPath(path, issue.path) });
    }
    return null;
  }

  private parseList<T extends GraphNode | GraphEdge>(value: unknown, name: 'nodes' | 'edges', schema: z.ZodType<T>) {
    const items: { index: number; value: T }[] = [];
    if (!Array.isArray(value)) {
      this.error(name, `"${name}" must be a list${value === undefined ? ' (it is missing)' : ''}`, { path: name });
      return items;
    }
    const memo = this.options.itemChecks;
    value.forEach((item, index) => {
      const memoKey = memo && item !== null && typeof item === 'object' ? (item as object) : undefined;
      const seen = memoKey && (memo!.get(memoKey) as z.ZodSafeParseResult<T> | undefined);
      const r = seen ?? schema.safeParse(item);
      if (memoKey && !seen) memo!.set(memoKey, r);
      if (r.success) {
        items.push({ index, value: r.data });
        return;
      }
      const rawItem = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
      for (const issue of r.error.issues) {
        const field = issue.path.length ? issue.path.join('.') : '';
        const who = name === 'nodes' ? nodeLabel(rawItem) : `edge ${index}`;
        this.error(name === 'nodes' ? 'node-format' : 'edge-format', `${who}${field ? `, field "${field}"` : ''}: ${issue.message}`, {
          path: joinPath(`${name}[${index}]`, issue.path),
          ...(name === 'nodes' && typeof rawItem.id === 'string' ? { nodeId: rawItem.id } : {}),
          ...(name === 'nodes' && typeof rawItem.type === 'string' ? { nodeType: rawItem.type } : {}),
          ...(name === 'edges' ? { edgeIndex: index } : {}),
        });
      }
    });
    return items;
  }

  private checkNodes(nodes: { index: number; value: GraphNode }[]): Map<string, CheckedNode> {
    const checked = new Map<string, CheckedNode>();
    for (const { index, value: node } of nodes) {
      const where = { nodeId: node.id, nodeType: node.type, path: `nodes[${index}]` };
      if (checked.has(node.id)) {
        this.error('duplicate-id', `two nodes have the id "${node.id}"; ids must be unique`, where);
        continue;
      }
      const kind = getKind(node.type);
      if (!kind) {
        const hint = closestName(node.type, kindTypes());
        this.error('unknown-type', `unknown node type "${node.type}"${hint ? ` (did you mean "${hint}"?)` : ''}`, { ...where, path: `nodes[${index}].type` });
        continue;
      }
      const { params, problems } = resolveParams(kind.params, node.params);
      for (const p of problems) {
        this.error('param', p.message, { ...where, param: p.param || undefined, path: p.param ? `nodes[${index}].params.${p.param}` : `nodes[${index}].params` });
      }
      checked.set(node.id, { node, kind, params: params as Record<string, ParamValue> });
    }
    return checked;
  }

  private checkEdges(edges: { index: number; value: GraphEdge }[], nodes: Map<string, CheckedNode>): ResolvedEdge[] {
    const resolved: ResolvedEdge[] = [];
    const fed = new Map<string, number>();
    for (const { index, value: edge } of edges) {
      const path = `edges[${index}]`;
      const source = nodes.get(edge.source);
      const target = nodes.get(edge.target);
      let ok = true;
      for (const [end, id, node] of [['source', edge.source, source], ['target', edge.target, target]] as const) {
        if (!node) {
          ok = false;
          this.error('dangling-edge', `edge ${index} ${end === 'source' ? 'starts at' : 'ends at'} "${id}", which is not a node${this.nodeExistsWithError(id) ? ' that could be read' : ''}`, { edgeIndex: index, path: `${path}.${end}` });
        }
      }
      if (!source || !target) continue;
      const sourcePort = this.resolvePort(source, edge.sourcePort, 'outputs', index, path);
      const targetPort = this.resolvePort(target, edge.targetPort, 'inputs', index, path);
      if (!sourcePort || !targetPort) ok = false;
      if (edge.source === edge.target) {
        this.error('cycle', 'an edge connects the node to itself', { nodeId: target.node.id, nodeType: target.node.type, port: targetPort ?? undefined, edgeIndex: index, path });
        ok = false;
      }
      if (!ok || !sourcePort || !targetPort) continue;
      const key = `${edge.target}\u0000${targetPort}`;
      const previous = fed.get(key);
      if (previous !== undefined) {
        this.error('double-input', `input "${targetPort}" has two incoming edges (edges ${previous} and ${index}); an input takes one edge`, {
          nodeId: target.node.id, nodeType: target.node.type, port: targetPort, edgeIndex: index, path,
        });
        continue;
      }
      fed.set(key, index);
      resolved.push({ index, source: edge.source, sourcePort, target: edge.target, targetPort });
    }
    return resolved;
  }

  private nodeExistsWithError(id: string): boolean {
    return this.problems.some((p) => p.nodeId === id);
  }

  private resolvePort(node: CheckedNode, port: string | undefined, side: 'inputs' | 'outputs', edgeIndex: number, path: string): string | null {
    const ports = node.kind[side];
    const where = { nodeId: node.node.id, nodeType: node.node.type, edgeIndex, path: `${path}.${side === 'inputs' ? 'targetPort' : 'sourcePort'}` };
    const names = ports.map((p) => p.name);
    if (port === undefined) {
      if (ports.length === 1) return ports[0].name;
      this.error('port', ports.length === 0
        ? `has no ${side === 'inputs' ? 'inputs' : 'outputs'}, but edge ${edgeIndex} ${side === 'inputs' ? 'ends' : 'starts'} here`
        : `has several ${side} (${names.join(', ')}): edge ${edgeIndex} must name one with "${side === 'inputs' ? 'targetPort' : 'sourcePort'}"`, where);
      return null;
    }
    if (!names.includes(port)) {
      this.error('port', `has no ${side === 'inputs' ? 'input' : 'output'} port "${port}"${names.length ? ` (it has: ${names.join(', ')})` : ''}`, { ...where, port });
      return null;
    }
    return port;
  }

  /** Kahn's algorithm; nodes left over sit on a cycle and are reported together. */
  private topologicalOrder(nodes: Map<string, CheckedNode>, edges: ResolvedEdge[]): string[] {
    const indegree = new Map<string, number>([...nodes.keys()].map((id) => [id, 0]));
    const next = new Map<string, string[]>();
    for (const e of edges) {
      indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
      next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
    }
    const queue = [...nodes.keys()].filter((id) => indegree.get(id) === 0);
    const order: string[] = [];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i];
      order.push(id);
      for (const t of next.get(id) ?? []) {
        const d = (indegree.get(t) ?? 0) - 1;
        indegree.set(t, d);
        if (d === 0) queue.push(t);
      }
    }
    if (order.length < nodes.size) {
      const onCycle = cycleMembers(new Set([...nodes.keys()].filter((id) => !order.includes(id))), edges);
      for (const id of onCycle) {
        const n = nodes.get(id)!;
        this.error('cycle', `is part of a cycle (${onCycle.map((c) => `"${c}"`).join(' → ')}); graphs must flow one way`, { nodeId: id, nodeType: n.node.type });
      }
    }
    return order;
  }

  private checkRequiredInputs(nodes: Map<string, CheckedNode>, edges: ResolvedEdge[]): void {
    const connected = new Set(edges.map((e) => `${e.target}\u0000${e.targetPort}`));
    for (const [id, n] of nodes) {
      for (const port of n.kind.inputs) {
        if (!port.optional && !connected.has(`${id}\u0000${port.name}`)) {
          this.error('unconnected', `input "${port.name}" is not connected (${port.doc})`, { nodeId: id, nodeType: n.node.type, port: port.name });
        }
      }
    }
  }

  private checkLoss(nodes: Map<string, CheckedNode>, training: Graph['training'] | undefined): void {
    if (training?.method === 'forward-forward') return; // layer-local goodness is the objective
    if (![...nodes.values()].some((n) => n.kind.role === 'loss')) {
      this.error('no-loss', 'the graph has no loss node: add CrossEntropy, MSE or KLDiv and connect the model output and the labels');
    }
  }

  private describeDataset(ref: Graph['dataset']): DatasetSpec | null {
    if (!this.options.describeDataset) return null;
    const { spec, problems } = this.options.describeDataset(ref);
    this.problems.push(...problems);
    return spec;
  }

  private inferShapes(order: string[], nodes: Map<string, CheckedNode>, edges: ResolvedEdge[], edgeCount: number, dataset: DatasetSpec | null) {
    const outputTypes: Record<string, Record<string, TensorType>> = {};
    const incoming = new Map<string, ResolvedEdge[]>();
    for (const e of edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e]);
    for (const id of order) {
      const n = nodes.get(id)!;
      const inputs: Record<string, TensorType> = {};
      let known = true;
      for (const e of incoming.get(id) ?? []) {
        const t = outputTypes[e.source]?.[e.sourcePort];
        if (t) inputs[e.targetPort] = t;
        else known = false;
      }
      // A node fed by an unknown upstream stays unknown: one error, not a cascade.
      if (!known) continue;
      if (n.kind.inputs.some((p) => !p.optional && !inputs[p.name])) continue;
      if (n.kind.role === 'input' && !dataset && !this.options.describeDataset) continue;
      const result = n.kind.inferShapes({ nodeId: id, params: n.params, inputs, dataset });
      if (result.ok) outputTypes[id] = result.outputs;
      else for (const err of result.errors) this.error('shape', err.message, { nodeId: id, nodeType: n.node.type, port: err.port });
    }
    const edgeTypes: (TensorType | null)[] = new Array(edgeCount).fill(null);
    for (const e of edges) edgeTypes[e.index] = outputTypes[e.source]?.[e.sourcePort] ?? null;
    return { outputTypes, edgeTypes };
  }

  private checkMemory(order: string[], nodes: Map<string, CheckedNode>, edges: ResolvedEdge[], outputTypes: Record<string, Record<string, TensorType>>, batchSize: number) {
    const limit = this.options.memoryLimit ?? DEFAULT_MEMORY_LIMIT;
    const estimate = estimateMemory(order, nodes, edges, outputTypes, batchSize);
    if (estimate.bytes > limit) {
      const worst = estimate.largest;
      this.error('memory', `the model needs about ${formatBytes(estimate.bytes)} to train at batch size ${batchSize}, over the limit of ${formatBytes(limit)}${worst ? `; the largest part is node "${worst.nodeId}" (${worst.nodeType}) with ${formatBytes(worst.bytes)}` : ''}. Make the layer smaller or the batch smaller.`, worst ? { nodeId: worst.nodeId, nodeType: worst.nodeType } : {});
    }
    return { bytes: estimate.bytes, limit };
  }
}

/**
 * Nodes Kahn's algorithm could not order are on a cycle or downstream of one. Pruning
 * the leftovers with no successor among them, repeatedly, keeps only the cycles.
 */
function cycleMembers(left: Set<string>, edges: ResolvedEdge[]): string[] {
  let changed = true;
  while (changed) {
    changed = false;
    for (const id of left) {
      if (!edges.some((e) => e.source === id && left.has(e.target))) {
        left.delete(id);
        changed = true;
      }
    }
  }
  return [...left];
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 && u > 0 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

function nodeLabel(raw: Record<string, unknown>): string {
  const id = typeof raw.id === 'string' ? `node "${raw.id}"` : 'a node';
  return typeof raw.type === 'string' ? `${id} (${raw.type})` : id;
}

function joinPath(base: string, segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((p, s) => (typeof s === 'number' ? `${p}[${s}]` : `${p}.${String(s)}`), base);
}

/** 'nodes[3].params.units' → ['nodes', 3, 'params', 'units'] */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}
