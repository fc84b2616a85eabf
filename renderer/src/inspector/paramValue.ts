import type { ParamSpec, ParamValue } from '../../../engine/nodes/params.js';

/** A dataset may also take free text (a CSV path); node kinds never do. */
export type FieldSpec = ParamSpec | { kind: 'string'; default: string; doc: string; required?: boolean };

/**
 * Reads what the user typed into a parameter field. Out-of-bounds and malformed input
 * is reported next to the field and not applied, so the graph only ever holds values
 * the engine accepts.
 */
export function parseParamInput(spec: FieldSpec, text: string): { value: ParamValue } | { error: string } {
  switch (spec.kind) {
    case 'int':
    case 'number': {
      const t = text.trim();
      if (t === '') return { error: 'type a number' };
      const value = Number(t);
      if (!Number.isFinite(value)) return { error: `"${t}" is not a number` };
      if (spec.kind === 'int' && !Number.isInteger(value)) return { error: 'must be a whole number' };
      if (value < spec.min) return { error: `must be at least ${spec.min}` };
      if (spec.kind === 'number' && spec.exclusiveMin && value === spec.min) return { error: `must be above ${spec.min}` };
      if (value > spec.max) return { error: `must be at most ${spec.max}` };
      return { value };
    }
    case 'boolean':
      return text === 'true' ? { value: true } : text === 'false' ? { value: false } : { error: 'must be true or false' };
    case 'enum':
      return spec.options.includes(text) ? { value: text } : { error: `must be one of ${spec.options.join(', ')}` };
    case 'string':
      if (spec.required && text.trim() === '') return { error: 'required' };
      return { value: text };
  }
}

/** "1 – 1048576" style bounds for the field's hint. */
export function describeBounds(spec: FieldSpec): string | null {
  if (spec.kind !== 'int' && spec.kind !== 'number') return null;
  const lo = spec.kind === 'number' && spec.exclusiveMin ? `> ${spec.min}` : `${spec.min}`;
  return `${lo} … ${formatNumber(spec.max)}`;
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) >= 1024 && Number.isInteger(Math.log2(Math.abs(n)))) return `2^${Math.log2(Math.abs(n))}`;
  return String(n);
}

/** A step for the number input's arrows that suits the range. */
export function stepFor(spec: FieldSpec): number | undefined {
  if (spec.kind === 'int') return 1;
  if (spec.kind !== 'number') return undefined;
  const span = spec.max - spec.min;
  return span <= 1 ? 0.01 : span <= 10 ? 0.1 : 1;
}
