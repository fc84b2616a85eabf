import { isDraft, original, type Draft } from 'immer';
import type { NodeKindInfo } from '../../../engine/protocol/messages.js';
import type { ParamValue } from '../../../engine/nodes/params.js';
import type { DatasetRef, Graph, GraphEdge, GraphNode, TrainingConfig } from '../../../engine/graph/schema.js';
import { DEFAULT_TRAINING } from '../../../engine/graph/schema.js';
import { edgeKey, nextNodeId } from './ids.js';

/**
 * Graph edits as immer recipes. Each one is a pure function of the draft, so the doc
 * store can record its patches for undo, and each is unit-tested on plain graphs.
 */
export type KindPorts = Pick<NodeKindInfo, 'type' | 'inputs' | 'outputs'>;
export type KindLookup = (type: string) => KindPorts | undefined;

export interface Position {
  x: number;
  y: number;
}

export function addNode(g: Draft<Graph>, type: string, position: Position, id = nextNodeId(g.nodes.map((n) => n.id), type)): string {
  g.nodes.push({ id, type, position: roundPosition(position) });
  return id;
}

export function removeNodes(g: Draft<Graph>, ids: Iterable<string>): void {
  const gone = new Set(ids);
  if (gone.size === 0) return;
  removeWhere(g.nodes, (n) => gone.has(n.id));
  removeWhere(g.edges, (e) => gone.has(e.source) || gone.has(e.target));
}

export function removeEdges(g: Draft<Graph>, keys: Iterable<string>): void {
  const gone = new Set(keys);
  removeWhere(g.edges, (e) => gone.has(edgeKey(e)));
}

/** The port names an edge really uses, with the single-port default filled in. */
export function resolvePorts(edge: GraphEdge, kinds: KindLookup, nodeType: (id: string) => string | undefined): { sourcePort: string | null; targetPort: string | null } {
  const src = kinds(nodeType(edge.source) ?? '');
  const dst = kinds(nodeType(edge.target) ?? '');
  return {
    sourcePort: edge.sourcePort ?? (src?.outputs.length === 1 ? src.outputs[0].name : src ? 'out' : null),
    targetPort: edge.targetPort ?? (dst?.inputs.length === 1 ? dst.inputs[0].name : dst ? 'in' : null),
  };
}

export interface Connection {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

/**
 * Connects two ports. An input takes one edge, so an edge already feeding the target
 * port is replaced. Ports are written out only where the node has several on that side,
 * which keeps files as short as hand-written ones.
 */
export function connect(g: Draft<Graph>, c: Connection, kinds: KindLookup): boolean {
  if (c.source === c.target) return false;
  const typeOf = (id: string) => draftNode(g, id)?.type;
  const sourceType = typeOf(c.source);
  const targetType = typeOf(c.target);
  if (!sourceType || !targetType) return false;
  removeWhere(g.edges, (e) => e.target === c.target && resolvePorts(e, kinds, typeOf).targetPort === c.targetPort);
  const src = kinds(sourceType);
  const dst = kinds(targetType);
  const edge: GraphEdge = { source: c.source, target: c.target };
  if (!(src && src.outputs.length === 1 && src.outputs[0].name === c.sourcePort)) edge.sourcePort = c.sourcePort;
  if (!(dst && dst.inputs.length === 1 && dst.inputs[0].name === c.targetPort)) edge.targetPort = c.targetPort;
  // Keep the JSON field order of hand-written files: source, sourcePort, target, targetPort.
  g.edges.push({
    source: edge.source,
    ...(edge.sourcePort ? { sourcePort: edge.sourcePort } : {}),
    target: edge.target,
    ...(edge.targetPort ? { targetPort: edge.targetPort } : {}),
  });
  return true;
}

/**
 * Moves nodes to whole pixels. Called on every frame of a drag, so it finds them in the
 * draft's original (plain objects) and touches only their drafts: reading every node of
 * the draft makes immer wrap and then finalize all thousand nodes of a large graph. When
 * this recipe already changed the node list, or an id is not found there, it walks the draft.
 */
export function moveNodes(g: Draft<Graph>, positions: Record<string, Position>): void {
  const base = isDraft(g.nodes) ? original(g.nodes) : undefined;
  if (base && base.length === g.nodes.length) {
    let moved = 0;
    base.forEach((node, i) => {
      const p = positions[node.id];
      if (p && g.nodes[i].id === node.id) {
        g.nodes[i].position = roundPosition(p);
        moved++;
      }
    });
    if (moved === Object.keys(positions).length) return;
  }
  for (const node of g.nodes) {
    const p = positions[node.id];
    if (p) node.position = roundPosition(p);
  }
}

/**
 * The draft of the node with this id, found in the draft's original (plain objects) when
 * it has one: reading every node of the draft on the way makes immer wrap and then
 * finalize each node passed, hundreds in a large graph for one keystroke in the inspector.
 */
function draftNode(g: Draft<Graph>, id: string): Draft<GraphNode> | undefined {
  const base = isDraft(g.nodes) ? original(g.nodes) : undefined;
  if (base && base.length === g.nodes.length) {
    const i = base.findIndex((n) => n.id === id);
    if (i >= 0 && g.nodes[i].id === id) return g.nodes[i];
  }
  return g.nodes.find((n) => n.id === id);
}

/** Sets a parameter; `undefined` removes it so the kind's default applies. */
export function setParam(g: Draft<Graph>, nodeId: string, key: string, value: ParamValue | undefined): void {
  const node = draftNode(g, nodeId);
  if (!node) return;
  if (value === undefined) {
    if (node.params) {
      delete node.params[key];
      if (Object.keys(node.params).length === 0) delete node.params;
    }
    return;
  }
  node.params ??= {};
  node.params[key] = value;
}

export function setLabel(g: Draft<Graph>, nodeId: string, label: string): void {
  const node = draftNode(g, nodeId);
  if (!node) return;
  if (label.trim() === '') delete node.label;
  else node.label = label;
}

/** Renames a node and every edge that names it. Returns an error message instead of renaming when not possible. */
export function renameNode(g: Draft<Graph>, from: string, to: string): string | null {
  if (from === to) return null;
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(to)) return 'ids use letters, digits, _ . : - only';
  if (draftNode(g, to)) return `a node "${to}" exists already`;
  const node = draftNode(g, from);
  if (!node) return `no node "${from}"`;
  node.id = to;
  for (const e of g.edges) {
    if (e.source === from) e.source = to;
    if (e.target === from) e.target = to;
  }
  return null;
}

export function setDataset(g: Draft<Graph>, dataset: DatasetRef): void {
  g.dataset = dataset;
}

export function setDatasetParam(g: Draft<Graph>, key: string, value: ParamValue | undefined): void {
  if (value === undefined) {
    if (g.dataset.params) delete g.dataset.params[key];
    return;
  }
  g.dataset.params ??= {};
  g.dataset.params[key] = value;
}

/** Edits the training settings, creating them from the defaults the first time. */
export function updateTraining(g: Draft<Graph>, edit: (t: Draft<TrainingConfig>) => void): void {
  g.training ??= structuredClone(DEFAULT_TRAINING);
  edit(g.training);
}

/** What copy puts on the clipboard: nodes and the edges between them. */
export interface GraphClip {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export function copyNodes(g: Graph, ids: Iterable<string>): GraphClip {
  const chosen = new Set(ids);
  return {
    nodes: g.nodes.filter((n) => chosen.has(n.id)).map((n) => structuredClone(n)),
    edges: g.edges.filter((e) => chosen.has(e.source) && chosen.has(e.target)).map((e) => structuredClone(e)),
  };
}

/** Pastes a clip with fresh ids, shifted by `offset`; returns the new ids. */
export function pasteClip(g: Draft<Graph>, clip: GraphClip, offset: Position): string[] {
  const taken = new Set(g.nodes.map((n) => n.id));
  const renamed = new Map<string, string>();
  for (const node of clip.nodes) {
    const id = nextNodeId(taken, node.type);
    taken.add(id);
    renamed.set(node.id, id);
    const p = node.position ?? { x: 0, y: 0 };
    g.nodes.push({ ...structuredClone(node), id, position: roundPosition({ x: p.x + offset.x, y: p.y + offset.y }) });
  }
  for (const edge of clip.edges) {
    const { id: _dropped, ...rest } = structuredClone(edge);
    g.edges.push({ ...rest, source: renamed.get(edge.source)!, target: renamed.get(edge.target)! });
  }
  return [...renamed.values()];
}

/**
 * Makes the draft equal to `next` while touching only what differs, so editing the JSON
 * text records small patches (a changed number) instead of a whole new graph.
 */
export function reconcile(draft: Record<string, unknown> | unknown[], next: Record<string, unknown> | unknown[]): void {
  if (Array.isArray(draft) && Array.isArray(next)) {
    if (draft.length > next.length) draft.splice(next.length);
    next.forEach((value, i) => {
      if (i >= draft.length) draft.push(structuredClone(value));
      else draft[i] = reconcileValue(draft[i], value);
    });
    return;
  }
  const d = draft as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  for (const key of Object.keys(d)) if (!Object.hasOwn(n, key)) delete d[key];
  for (const [key, value] of Object.entries(n)) {
    d[key] = Object.hasOwn(d, key) ? reconcileValue(d[key], value) : structuredClone(value);
  }
}

function reconcileValue(current: unknown, next: unknown): unknown {
  const bothArrays = Array.isArray(current) && Array.isArray(next);
  const bothObjects = isPlainObject(current) && isPlainObject(next);
  if (bothArrays || bothObjects) {
    reconcile(current as Record<string, unknown>, next as Record<string, unknown>);
    return current;
  }
  return Object.is(current, next) ? current : structuredClone(next);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function removeWhere<T>(list: T[], drop: (item: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (drop(list[i])) list.splice(i, 1);
}

function roundPosition(p: Position): Position {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}
