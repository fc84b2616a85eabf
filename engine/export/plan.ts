import type { VariableSpec } from '../nodes/kind.js';
import type { ParamValue } from '../nodes/params.js';
import type { TensorType } from '../shapes/types.js';
import { formatProblem, hasErrors } from '../graph/problems.js';
import type { ValidationResult } from '../graph/validate.js';

/**
 * What both exporters (PyTorch, TensorFlow.js) need from a validated graph: the nodes in
 * topological order with their resolved params, types and variables, which of them the
 * model's forward computes, and which tensors it returns. Pure data, no tfjs.
 *
 * The exported forward computes every node but the Input and the losses. It returns the
 * tensors the losses read (logits, predictions; the Input's own x/y excepted) and the
 * outputs of nodes nothing reads: with one such tensor it returns it alone, otherwise an
 * object keyed by node id. The losses become a separate `loss(x, y)`.
 */
export interface ExportNode {
  id: string;
  type: string;
  params: Record<string, ParamValue>;
  /** Where each input port is fed from. */
  inputs: Record<string, { source: string; port: string }>;
  inputTypes: Record<string, TensorType>;
  outputTypes: Record<string, TensorType>;
  variables: VariableSpec[];
  role?: 'input' | 'loss';
}

export interface ExportOutput {
  nodeId: string;
  port: string;
  /** The key in the returned object when there are several outputs. */
  name: string;
}

export interface ExportPlan {
  title: string;
  description: string;
  /** Every node in topological order. */
  nodes: ExportNode[];
  /** The Input node, or null for a graph without one. */
  input: ExportNode | null;
  /** Nodes the forward computes, in topological order (not the Input, not the losses). */
  body: ExportNode[];
  losses: ExportNode[];
  outputs: ExportOutput[];
  /** The forward needs the labels too (a non-loss node reads the Input's y). */
  forwardTakesLabels: boolean;
}

export class ExportError extends Error {
  override name = 'ExportError';
}

export function planExport(validation: ValidationResult): ExportPlan {
  if (hasErrors(validation.problems) || !validation.graph) {
    const errors = validation.problems.filter((p) => p.severity === 'error').map(formatProblem);
    throw new ExportError(`the graph has ${errors.length} problem${errors.length === 1 ? '' : 's'} to fix before it can be exported:\n  ${errors.join('\n  ')}`);
  }
  const incoming = new Map<string, Record<string, { source: string; port: string }>>();
  for (const e of validation.edges) {
    incoming.set(e.target, { ...(incoming.get(e.target) ?? {}), [e.targetPort]: { source: e.source, port: e.sourcePort } });
  }
  const nodes: ExportNode[] = validation.order.map((id) => {
    const checked = validation.nodes.get(id)!;
    const inputs = incoming.get(id) ?? {};
    const inputTypes = Object.fromEntries(Object.entries(inputs).map(([port, from]) => [port, validation.outputTypes[from.source][from.port]]));
    return {
      id,
      type: checked.node.type,
      params: checked.params,
      inputs,
      inputTypes,
      outputTypes: validation.outputTypes[id] ?? {},
      variables: checked.kind.variables?.(checked.params, inputTypes) ?? [],
      ...(checked.kind.role ? { role: checked.kind.role } : {}),
    };
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const input = nodes.find((n) => n.role === 'input') ?? null;
  if (nodes.filter((n) => n.role === 'input').length > 1) throw new ExportError('the graph has more than one Input node; an exported model takes one input');
  const body = nodes.filter((n) => !n.role);
  const losses = nodes.filter((n) => n.role === 'loss');

  const read = new Set<string>();
  for (const n of nodes) for (const from of Object.values(n.inputs)) read.add(`${from.source}\u0000${from.port}`);
  const wanted = new Set<string>();
  for (const loss of losses) {
    for (const from of Object.values(loss.inputs)) if (byId.get(from.source)?.role !== 'input') wanted.add(`${from.source}\u0000${from.port}`);
  }
  for (const n of body) for (const port of Object.keys(n.outputTypes)) if (!read.has(`${n.id}\u0000${port}`)) wanted.add(`${n.id}\u0000${port}`);
  const outputs: ExportOutput[] = [];
  for (const n of body) {
    for (const port of Object.keys(n.outputTypes)) {
      if (wanted.has(`${n.id}\u0000${port}`)) outputs.push({ nodeId: n.id, port, name: port === 'out' ? n.id : `${n.id}.${port}` });
    }
  }
  // A graph that is only an Input (and losses on it) returns its features unchanged.
  if (!outputs.length && input) outputs.push({ nodeId: input.id, port: 'x', name: 'x' });

  const forwardTakesLabels = input !== null && body.some((n) => Object.values(n.inputs).some((f) => f.source === input.id && f.port === 'y'));
  const meta = validation.graph.meta ?? {};
  return {
    title: meta.title?.trim() || 'Model',
    description: meta.description?.trim() ?? '',
    nodes,
    input,
    body,
    losses,
    outputs,
    forwardTakesLabels,
  };
}

/**
 * Gives every node a distinct identifier in the target language: letters, digits and _,
 * not a keyword, not a name the generated code uses itself. Node ids are kept where
 * they are already fine, so the code reads like the graph.
 */
export function allocateNames(ids: string[], reserved: ReadonlySet<string>): Map<string, string> {
  const taken = new Set(reserved);
  const names = new Map<string, string>();
  for (const id of ids) {
    let base = id.replace(/[^A-Za-z0-9_]/g, '_');
    // Leading underscores are private (Python) or internal (tfjs) names: start with a letter.
    if (!/^[A-Za-z]/.test(base)) base = base.startsWith('_') ? `n${base}` : `n_${base}`;
    let name = base;
    if (taken.has(name)) name = `${base}_`;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    names.set(id, name);
  }
  return names;
}

/** A class name from the graph's title: "Spiral classifier" → SpiralClassifier. */
export function className(title: string, reserved: ReadonlySet<string>): string {
  const words = title.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
  let name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('').slice(0, 60);
  if (!name) name = 'Model';
  if (!/^[A-Za-z]/.test(name)) name = `Model${name}`;
  while (reserved.has(name)) name = `${name}Model`;
  return name;
}

/** A non-negative axis for a rank (the params allow negative ones). */
export function resolveExportAxis(axis: number, rank: number): number {
  return axis < 0 ? rank + axis : axis;
}

/** The last dimension of a type (feature size), which shape inference made concrete. */
export function lastDim(type: TensorType): number {
  const d = type.shape[type.shape.length - 1];
  if (typeof d !== 'number') throw new ExportError(`the feature axis of [${type.shape}] is not a fixed size`);
  return d;
}
