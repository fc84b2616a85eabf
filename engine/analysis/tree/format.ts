import type { LinearRule, SplitNode, TreeNode, TreeRuleText } from './types.js';

/** Three significant digits, no exponent for ordinary magnitudes, no trailing zeros. */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const s = Number(v.toPrecision(3));
  return String(s);
}

/** Rules over more inputs than this show only their largest terms (the numbers stay whole). */
export const MAX_TERMS = 12;

/**
 * `0.83·x0 − 1.2·x1 + 0.4` (zero coefficients left out; a constant alone if all are zero).
 * With more than MAX_TERMS non-zero coefficients (images), the largest ones are shown,
 * in input order, and the rest counted: `… + 0.2·x17 + … (40 more terms) − 1.1`.
 */
export function formatAffine(weights: ArrayLike<number>, bias: number, names: string[]): string {
  let shown: number[] = [];
  for (let i = 0; i < weights.length; i++) if (weights[i] !== 0) shown.push(i);
  const hidden = Math.max(0, shown.length - MAX_TERMS);
  if (hidden > 0) {
    // The MAX_TERMS largest magnitudes, kept in input order (ties: the first ones).
    const mags = Float64Array.from(shown, (i) => Math.abs(weights[i])).sort();
    const cut = mags[mags.length - MAX_TERMS];
    const above = shown.filter((i) => Math.abs(weights[i]) > cut);
    const at = shown.filter((i) => Math.abs(weights[i]) === cut).slice(0, MAX_TERMS - above.length);
    shown = [...above, ...at].sort((a, b) => a - b);
  }
  const terms: string[] = [];
  for (const i of shown) {
    const w = weights[i];
    const mag = Math.abs(w);
    const body = formatNumber(mag) === '1' ? names[i] : `${formatNumber(mag)}·${names[i]}`;
    terms.push(terms.length === 0 ? (w < 0 ? `−${body}` : body) : `${w < 0 ? '−' : '+'} ${body}`);
  }
  if (hidden > 0) terms.push(`+ … (${hidden} more terms)`);
  if (bias !== 0 || terms.length === 0) {
    const b = formatNumber(Math.abs(bias));
    terms.push(terms.length === 0 ? (bias < 0 ? `−${b}` : b) : `${bias < 0 ? '−' : '+'} ${b}`);
  }
  return terms.join(' ');
}

export function linearRule(weights: ArrayLike<number>, bias: number, op: '>' | '<=', names: string[]): LinearRule {
  return { weights: Array.from(weights), bias, op, text: `${formatAffine(weights, bias, names)} ${op === '>' ? '>' : '≤'} 0` };
}

/** The rule's negation, for the `no` branch of a path. */
export function negatedText(rule: LinearRule, names: string[]): string {
  return `${formatAffine(rule.weights, rule.bias, names)} ${rule.op === '>' ? '≤' : '>'} 0`;
}

export function featureNames(d: number, given?: string[]): string[] {
  return Array.from({ length: d }, (_, i) => given?.[i] ?? `x${i}`);
}

/** Every root-to-leaf path as conditions and a conclusion (`conclude` words the leaf). */
export function pathRules(
  nodes: TreeNode[],
  root: number | null,
  names: string[],
  conclude: (leaf: Extract<TreeNode, { kind: 'leaf' }>) => string,
  condition: (split: SplitNode, holds: boolean) => string = (split, holds) => (holds ? split.rule.text : negatedText(split.rule, names)),
): TreeRuleText[] {
  const out: TreeRuleText[] = [];
  if (root === null) return out;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const walk = (id: number, conditions: string[]) => {
    const node = byId.get(id)!;
    if (node.kind === 'leaf') {
      out.push({ leaf: id, conditions, conclusion: conclude(node) });
      return;
    }
    if (node.yes !== null) walk(node.yes, [...conditions, condition(node, true)]);
    if (node.no !== null) walk(node.no, [...conditions, condition(node, false)]);
  };
  walk(root, []);
  return out;
}

export function argmax(values: ArrayLike<number>, offset = 0, count = values.length - offset): number {
  let best = 0;
  for (let i = 1; i < count; i++) if (values[offset + i] > values[offset + best]) best = i;
  return best;
}
