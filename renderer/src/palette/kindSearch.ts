import type { NodeKindInfo } from '../../../engine/protocol/messages.js';

type NodeGroup = NodeKindInfo['group'];

export const GROUP_ORDER: NodeGroup[] = ['Data', 'Layers', 'Activations', 'Structure', 'Mixture', 'Neural Interpreters', 'Losses'];

/** Kinds grouped in palette order; groups the engine adds later come last. */
export function groupKinds(kinds: readonly NodeKindInfo[]): { group: string; kinds: NodeKindInfo[] }[] {
  const groups = new Map<string, NodeKindInfo[]>();
  for (const g of GROUP_ORDER) groups.set(g, []);
  for (const k of kinds) groups.set(k.group, [...(groups.get(k.group) ?? []), k]);
  return [...groups].filter(([, ks]) => ks.length > 0).map(([group, ks]) => ({ group, kinds: ks }));
}

/**
 * Ranks kinds for search-to-add: the type name first (exact, prefix, word start,
 * substring, letters in order as in "ce" for CrossEntropy), then the summary and group.
 */
export function searchKinds(kinds: readonly NodeKindInfo[], query: string): NodeKindInfo[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...kinds];
  const scored: { kind: NodeKindInfo; score: number; index: number }[] = [];
  kinds.forEach((kind, index) => {
    const score = scoreKind(kind, q);
    if (score > 0) scored.push({ kind, score, index });
  });
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).map((s) => s.kind);
}

function scoreKind(kind: NodeKindInfo, q: string): number {
  const type = kind.type.toLowerCase();
  if (type === q) return 100;
  if (type.startsWith(q)) return 80;
  const capitals = kind.type.replace(/[^A-Z0-9]/g, '').toLowerCase();
  if (capitals.startsWith(q)) return 70;
  if (type.includes(q)) return 60;
  if (isSubsequence(q, type)) return 40;
  const text = `${kind.summary} ${kind.group}`.toLowerCase();
  if (q.split(/\s+/).every((word) => text.includes(word))) return 20;
  return 0;
}

function isSubsequence(q: string, s: string): boolean {
  let i = 0;
  for (const ch of s) if (ch === q[i]) i++;
  return i === q.length;
}
