import { z } from 'zod';
import { EdgeSchema, GRAPH_FORMAT, GraphSchema, NodeSchema, type Graph } from '../../../engine/graph/schema.js';
import { isShareText } from '../../../engine/export/shareFormat.js';
import type { GraphClip } from '../doc/graphEdits.js';

/**
 * What Copy puts on the system clipboard, so another window (or another Tensorloom)
 * can paste it: a clearly marked fragment, not a graph file, because a fragment has no
 * dataset or training and must never be mistaken for a whole document.
 *
 *   { "format": "tensorloom.fragment", "version": 1, "nodes": [...], "edges": [...] }
 *
 * Pasted text is only ever parsed as JSON and checked with the graph format's own zod
 * schemas (never evaluated); anything else is "not a graph".
 */
export const FRAGMENT_FORMAT = 'tensorloom.fragment';
export const FRAGMENT_VERSION = 1;
/** Pasted text longer than a graph file may be is not even parsed. */
export const MAX_PASTE_CHARS = 20 * 1024 * 1024;

const FragmentSchema = z
  .object({
    format: z.literal(FRAGMENT_FORMAT),
    version: z.literal(FRAGMENT_VERSION),
    nodes: z.array(NodeSchema).max(100000),
    edges: z.array(EdgeSchema).max(400000),
  })
  .superRefine((f, ctx) => {
    const ids = new Set<string>();
    f.nodes.forEach((n, i) => {
      if (ids.has(n.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `the id "${n.id}" is used twice` });
      ids.add(n.id);
    });
    f.edges.forEach((e, i) => {
      for (const end of ['source', 'target'] as const) {
        if (!ids.has(e[end])) ctx.addIssue({ code: 'custom', path: ['edges', i, end], message: `no node "${e[end]}" in the fragment` });
      }
    });
  });

export function fragmentToText(clip: GraphClip): string {
  return `${JSON.stringify({ format: FRAGMENT_FORMAT, version: FRAGMENT_VERSION, nodes: clip.nodes, edges: clip.edges }, null, 2)}\n`;
}

export type PastedContent =
  | { kind: 'fragment'; clip: GraphClip }
  | { kind: 'graph'; graph: Graph }
  /** A share string or a link holding one: decoding is asynchronous (shareBrowser.ts). */
  | { kind: 'share'; text: string }
  | { kind: 'none'; reason: string };

/** What pasted text is, decided without running anything from it. */
export function readPastedText(text: string): PastedContent {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'none', reason: 'the clipboard is empty' };
  if (trimmed.length > MAX_PASTE_CHARS) return { kind: 'none', reason: 'the clipboard text is larger than a graph may be' };
  if (isShareText(trimmed)) return { kind: 'share', text: trimmed };
  if (!trimmed.startsWith('{')) return { kind: 'none', reason: 'the clipboard holds text, not a Tensorloom graph' };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { kind: 'none', reason: 'the clipboard holds text that is not JSON, not a Tensorloom graph' };
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format === FRAGMENT_FORMAT) {
    const parsed = FragmentSchema.safeParse(value);
    if (!parsed.success) return { kind: 'none', reason: `the copied nodes are damaged (${issueText(parsed.error)})` };
    return { kind: 'fragment', clip: { nodes: parsed.data.nodes, edges: parsed.data.edges } };
  }
  if (format === GRAPH_FORMAT) {
    const parsed = GraphSchema.safeParse(value);
    if (!parsed.success) return { kind: 'none', reason: `the copied graph is not valid (${issueText(parsed.error)})` };
    return { kind: 'graph', graph: parsed.data };
  }
  return { kind: 'none', reason: 'the clipboard holds JSON that is not a Tensorloom graph' };
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join('.') || 'root'}: ${issue.message}`;
}

/** A graph's nodes and edges as a clip, for pasting a whole graph into a canvas that has nodes. */
export function graphAsClip(graph: Graph): GraphClip {
  return { nodes: graph.nodes, edges: graph.edges };
}

/** The box the clip's nodes cover (nodes without a position count as at the origin). */
export function clipBounds(clip: GraphClip, size = { width: 170, height: 90 }): { x: number; y: number; width: number; height: number } {
  const points = clip.nodes.map((n) => n.position ?? { x: 0, y: 0 });
  const minX = Math.min(...points.map((p) => p.x));
  const minY = Math.min(...points.map((p) => p.y));
  const maxX = Math.max(...points.map((p) => p.x)) + size.width;
  const maxY = Math.max(...points.map((p) => p.y)) + size.height;
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}
