import type { Comparison, MetricRef, TemplateRule } from './templateSchema.js';

/** Measured metrics by run name, then metric name. */
export type RunMetrics = Record<string, Record<string, number>>;

export interface RuleOutcome {
  description: string;
  pass: boolean;
  /** The measured left-hand side (before any cut to `decimals`). */
  measured: number;
  /** What it was compared against: the value, or factor · other metric + offset. */
  expected: number;
  /** One line for the terminal: `klPQ = 0.0853 (0.085300 rounded) == 0.0853`. */
  text: string;
}

/** The metric of the run a reference names; the single run when it names none. */
export function lookupMetric(ref: MetricRef, metrics: RunMetrics): number {
  const runs = Object.keys(metrics);
  const run = ref.of ?? (runs.length === 1 ? runs[0] : undefined);
  if (run === undefined) return NaN;
  return metrics[run]?.[ref.metric] ?? NaN;
}

/** `0.0852996` cut to 4 decimals: 0.0852 truncated, 0.0853 rounded (as an integer count of 10⁻ᵈ, so `==` is exact). */
export function cutToDecimals(value: number, decimals: number, rounding: 'truncate' | 'round'): number {
  const scale = 10 ** decimals;
  // The small nudge keeps 0.1 + 0.2 style noise from pushing an exact decimal down a step.
  const scaled = value * scale;
  return rounding === 'round' ? Math.round(scaled) : Math.trunc(scaled + Math.sign(scaled) * 1e-9);
}

function compare(a: number, op: Comparison, b: number, tolerance: number): boolean {
  switch (op) {
    case '>=': return a >= b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '<': return a < b;
    case '==': return Math.abs(a - b) <= tolerance;
  }
}

function refName(ref: MetricRef): string {
  return ref.of ? `${ref.metric}(${ref.of})` : ref.metric;
}

function show(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1000 || v === Math.round(v) ? String(v) : v.toPrecision(5).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * Checks one rule against measured metrics. A metric that is missing or not finite
 * fails the rule (NaN compares false), and the text says which.
 */
export function evaluateRule(rule: TemplateRule, metrics: RunMetrics): RuleOutcome {
  const measured = lookupMetric(rule, metrics);
  let expected: number;
  let rhsText: string;
  if (rule.than) {
    const other = lookupMetric(rule.than, metrics);
    const factor = rule.than.factor ?? 1;
    const offset = rule.than.offset ?? 0;
    expected = factor * other + offset;
    const parts = [`${factor !== 1 ? `${show(factor)}·` : ''}${refName(rule.than)}`];
    if (offset) parts.push(`${offset < 0 ? '−' : '+'} ${show(Math.abs(offset))}`);
    rhsText = `${parts.join(' ')} = ${show(expected)}`;
  } else {
    expected = rule.value!;
    rhsText = show(expected);
  }
  let pass: boolean;
  let lhsText = `${refName(rule)} = ${show(measured)}`;
  if (rule.decimals !== undefined) {
    const rounding = rule.rounding ?? 'truncate';
    const a = cutToDecimals(measured, rule.decimals, rounding);
    const b = Math.round(expected * 10 ** rule.decimals);
    pass = Number.isFinite(measured) && compare(a, rule.comparison, b, 0);
    lhsText = `${refName(rule)} = ${Number.isFinite(measured) ? (a / 10 ** rule.decimals).toFixed(rule.decimals) : String(measured)} (${measured.toFixed(rule.decimals + 2)} ${rounding === 'round' ? 'rounded' : 'truncated'} to ${rule.decimals} decimals)`;
  } else {
    pass = Number.isFinite(measured) && Number.isFinite(expected) && compare(measured, rule.comparison, expected, rule.tolerance ?? 1e-9);
  }
  const missing = !Number.isFinite(measured) ? ` [${refName(rule)} was not measured or is not a number]` : '';
  return { description: rule.description, pass, measured, expected, text: `${lhsText} ${rule.comparison} ${rhsText}${missing}` };
}
