import type { TreeWireNode } from '../../../engine/protocol/messages.js';

/**
 * Where each node of a decision tree goes in the diagram: a layered, top-down layout
 * in which leaves (and collapsed nodes) take the next free column and every parent sits
 * centred over its children, so subtrees never overlap and a collapsed subtree frees its
 * width. Sides the engine did not build, or did not send, get a small stub so the
 * diagram says so instead of hiding it.
 */
export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Horizontal gap between neighbouring boxes, and vertical gap between levels. */
  hGap: number;
  vGap: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { nodeWidth: 216, nodeHeight: 66, hGap: 14, vGap: 38 };

export type LayoutItem =
  | { kind: 'node'; id: number; node: TreeWireNode; x: number; y: number; collapsed: boolean; hiddenCount: number }
  | { kind: 'stub'; id: string; reason: 'not built' | 'not shown'; x: number; y: number };

export interface LayoutEdge {
  from: { x: number; y: number };
  to: { x: number; y: number };
  label: 'yes' | 'no';
  /** The child item's key. */
  to_id: string;
}

export interface TreeLayout {
  items: LayoutItem[];
  edges: LayoutEdge[];
  width: number;
  height: number;
}

/** x, y are the top-left corners of the boxes; stubs are drawn smaller, centred in their slot. */
export function layoutTree(nodes: TreeWireNode[], root: number | null, collapsed: ReadonlySet<number>, o: LayoutOptions = DEFAULT_LAYOUT): TreeLayout {
  const items: LayoutItem[] = [];
  const edges: LayoutEdge[] = [];
  if (root === null) return { items, edges, width: 0, height: 0 };
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const counts = descendantCounts(nodes, root);
  let column = 0;
  let maxDepth = 0;
  const slotX = () => column++ * (o.nodeWidth + o.hGap);

  // Returns the x of the placed box's left edge.
  const place = (id: number, level: number): number => {
    const node = byId.get(id)!;
    const y = level * (o.nodeHeight + o.vGap);
    maxDepth = Math.max(maxDepth, level);
    const isCollapsed = node.kind === 'split' && collapsed.has(id);
    if (node.kind === 'leaf' || isCollapsed) {
      const x = slotX();
      items.push({ kind: 'node', id, node, x, y, collapsed: isCollapsed, hiddenCount: isCollapsed ? counts.get(id)! - 1 : 0 });
      return x;
    }
    const children: { x: number; key: string; label: 'yes' | 'no'; stub: boolean }[] = [];
    for (const [child, label] of [
      [node.yes ?? null, 'yes'],
      [node.no ?? null, 'no'],
    ] as const) {
      if (child !== null && byId.has(child)) {
        children.push({ x: place(child, level + 1), key: `n${child}`, label, stub: false });
      } else {
        const key = `s${id}-${label}`;
        const x = slotX();
        items.push({ kind: 'stub', id: key, reason: child === null ? 'not built' : 'not shown', x, y: (level + 1) * (o.nodeHeight + o.vGap) });
        maxDepth = Math.max(maxDepth, level + 1);
        children.push({ x, key, label, stub: true });
      }
    }
    const x = (children[0].x + children[children.length - 1].x) / 2;
    items.push({ kind: 'node', id, node, x, y, collapsed: false, hiddenCount: 0 });
    for (const c of children) {
      edges.push({
        from: { x: x + o.nodeWidth / 2, y: y + o.nodeHeight },
        to: { x: c.x + o.nodeWidth / 2, y: y + o.nodeHeight + o.vGap },
        label: c.label,
        to_id: c.key,
      });
    }
    return x;
  };
  place(root, 0);
  return {
    items,
    edges,
    width: Math.max(0, column * (o.nodeWidth + o.hGap) - o.hGap),
    height: (maxDepth + 1) * o.nodeHeight + maxDepth * o.vGap,
  };
}

/** Nodes in each subtree (itself included), among the nodes sent. */
export function descendantCounts(nodes: TreeWireNode[], root: number | null): Map<number, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<number, number>();
  if (root === null) return out;
  // Post-order without recursion: deep trees do not overflow the stack.
  const stack: { id: number; visited: boolean }[] = [{ id: root, visited: false }];
  while (stack.length) {
    const top = stack.pop()!;
    const node = byId.get(top.id);
    if (!node) continue;
    const kids = node.kind === 'split' ? [node.yes, node.no].filter((c): c is number => c != null && byId.has(c)) : [];
    if (!top.visited) {
      stack.push({ id: top.id, visited: true });
      for (const k of kids) stack.push({ id: k, visited: false });
    } else out.set(top.id, 1 + kids.reduce((s, k) => s + (out.get(k) ?? 0), 0));
  }
  return out;
}

/** Splits at `depth` and below start collapsed, so a big tree opens readable. */
export function collapsedBeyond(nodes: TreeWireNode[], depth: number): Set<number> {
  return new Set(nodes.filter((n) => n.kind === 'split' && n.depth >= depth).map((n) => n.id));
}

/** Scale and offset that fit a `width × height` drawing into a view, never enlarging past 1. */
export function fitView(width: number, height: number, viewW: number, viewH: number, pad = 16): { k: number; tx: number; ty: number } {
  if (width <= 0 || height <= 0) return { k: 1, tx: pad, ty: pad };
  const k = Math.min(1, (viewW - 2 * pad) / width, (viewH - 2 * pad) / height);
  return { k, tx: (viewW - width * k) / 2, ty: pad };
}

/**
 * A rule on two lines of at most `max` characters: broken before a ` + ` or ` − ` term
 * (or the comparison) as late as fits, the second line cut with an ellipsis if needed.
 */
export function wrapRule(text: string, max: number): [string, string] {
  if (text.length <= max) return [text, ''];
  let cut = -1;
  for (const m of text.matchAll(/ (?=[+−\-<>≤≥] )/g)) if (m.index! <= max && m.index! > 0) cut = m.index!;
  if (cut < 0) return [ellipsize(text, max), ''];
  return [text.slice(0, cut), ellipsize(text.slice(cut + 1), max)];
}

/** Text cut to `max` characters with an ellipsis. */
export function ellipsize(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
