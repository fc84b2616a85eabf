import { z } from 'zod';

/**
 * A graph told as its difference from one the engine already holds, so validating a
 * thousand-node graph on every keystroke sends one node instead of all of them. Nodes
 * and edges are lists in the new graph's order where an integer stands for the base's
 * item at that index and anything else is the item itself; every other top-level field
 * (dataset, training, meta, …) is sent in full. Plain JSON, no TensorFlow.js: both sides
 * use it.
 */
export interface GraphDelta {
  /** The id the base graph was remembered under (`remember` of an earlier request). */
  base: string;
  fields: Record<string, unknown>;
  /** Absent when the new graph has no such list (it is then absent, or in `fields`). */
  nodes?: unknown[];
  edges?: unknown[];
}

/** Ids of remembered graphs: chosen by the client, unique per client. */
export const GraphRefSchema = z.string().min(1).max(80).regex(/^[A-Za-z0-9_.-]+$/);

export const GraphDeltaSchema = z.object({
  base: GraphRefSchema,
  fields: z.record(z.string(), z.unknown()),
  nodes: z.array(z.unknown()).optional(),
  edges: z.array(z.unknown()).optional(),
});

type Json = Record<string, unknown>;
const LISTS = ['nodes', 'edges'] as const;

/** Each item of `next` that is the very object at some index of `base` becomes that index. */
function diffList(base: unknown, next: unknown): unknown[] {
  const list = Array.isArray(next) ? next : [];
  const at = new Map<unknown, number>();
  if (Array.isArray(base)) base.forEach((item, i) => typeof item === 'object' && item !== null && !at.has(item) && at.set(item, i));
  return list.map((item) => at.get(item) ?? item);
}

/**
 * The delta that turns `base` into `next`. Items are matched by identity: documents
 * edited through immer share every node and edge an edit left alone, so this is one
 * pass over each list with no comparison of contents. Lists that are not arrays (a
 * broken graph) are sent as they are, in `fields`.
 */
export function diffGraph(baseId: string, base: unknown, next: unknown): GraphDelta {
  const fields: Json = {};
  const delta: GraphDelta = { base: baseId, fields };
  const n = (next ?? {}) as Json;
  const b = (base ?? {}) as Json;
  for (const [key, value] of Object.entries(n)) {
    if ((LISTS as readonly string[]).includes(key) && Array.isArray(value)) delta[key as (typeof LISTS)[number]] = diffList(b[key], value);
    else fields[key] = value;
  }
  return delta;
}

/**
 * The graph a delta describes, or the first reason it cannot be rebuilt (an index
 * outside the base's list). The result is untrusted like any graph a client sends: the
 * validator checks it as a whole.
 */
export function applyGraphDelta(base: unknown, delta: GraphDelta): { graph: Json } | { error: string } {
  const b = (typeof base === 'object' && base !== null ? base : {}) as Json;
  const graph: Json = { ...delta.fields };
  for (const key of LISTS) {
    const list = delta[key];
    if (!list || Object.hasOwn(delta.fields, key)) continue;
    const from = Array.isArray(b[key]) ? (b[key] as unknown[]) : [];
    const items: unknown[] = [];
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (typeof item === 'number') {
        if (!Number.isInteger(item) || item < 0 || item >= from.length) return { error: `${key}[${i}] refers to item ${item} of the base graph, which has ${from.length}` };
        items.push(from[item]);
      } else items.push(item);
    }
    graph[key] = items;
  }
  return { graph };
}
