import type { ValidationInfo } from './messages.js';
import type { TensorType } from '../shapes/types.js';

/**
 * A validation answer told as its difference from the answer to the graph it was
 * edited from, the way graph deltas travel the other way: one edited field of a
 * thousand-node graph changes a few nodes' shapes, and the full answer (~100 KB of
 * shapes) cost the page more to receive and parse than the keystroke that caused it.
 * Problems, memory and parameters are always sent whole (they are short, or needed
 * whole). Plain JSON, no TensorFlow.js: both sides use it.
 */
export interface ValidationChanges {
  /** The remembered graph whose answer these changes apply to. */
  from: string;
  /** Nodes whose output types changed or appeared; null for nodes that have none any more. */
  outputTypes: Record<string, Record<string, TensorType> | null>;
  /** The new edge count and the [index, type] of every edge whose type differs. */
  edgeTypes: { length: number; changed: [number, TensorType | null][] };
  problems: ValidationInfo['problems'];
  memory: ValidationInfo['memory'];
  parameters: ValidationInfo['parameters'];
}

/** What `graph.revalidate` answers: the changes when the engine still had the base's answer. */
export type ValidationUpdate = { changes: ValidationChanges } | { full: ValidationInfo };

/** The changes that turn `base` (the answer remembered as `from`) into `next`. */
export function diffValidation(from: string, base: ValidationInfo, next: ValidationInfo): ValidationChanges {
  const outputTypes: ValidationChanges['outputTypes'] = {};
  for (const [id, types] of Object.entries(next.outputTypes)) {
    if (!sameJson(base.outputTypes[id], types)) outputTypes[id] = types;
  }
  for (const id of Object.keys(base.outputTypes)) if (!Object.hasOwn(next.outputTypes, id)) outputTypes[id] = null;
  const changed: [number, TensorType | null][] = [];
  next.edgeTypes.forEach((type, i) => {
    if (i >= base.edgeTypes.length || !sameJson(base.edgeTypes[i], type)) changed.push([i, type]);
  });
  return { from, outputTypes, edgeTypes: { length: next.edgeTypes.length, changed }, problems: next.problems, memory: next.memory, parameters: next.parameters };
}

/**
 * An answer as a client keeps it to apply changes to: output types in a Map, which
 * copies in microseconds where a thousand-key object took the page a millisecond.
 */
export interface HeldValidation extends Omit<ValidationInfo, 'outputTypes'> {
  outputTypes: ReadonlyMap<string, Record<string, TensorType>>;
}

export function holdValidation(info: ValidationInfo): HeldValidation {
  return { ...info, outputTypes: new Map(Object.entries(info.outputTypes)) };
}

/**
 * The full answer the changes describe. Entries that did not change keep the base's very
 * objects, and so do the edge and output lists when nothing in them changed, so a view
 * indexed from the base can tell unchanged ones by identity.
 */
export function applyValidationChanges(base: HeldValidation, changes: ValidationChanges): HeldValidation {
  let outputTypes = base.outputTypes;
  for (const [id, types] of Object.entries(changes.outputTypes)) {
    const copy = outputTypes === base.outputTypes ? new Map(base.outputTypes) : (outputTypes as Map<string, Record<string, TensorType>>);
    if (types === null) copy.delete(id);
    else copy.set(id, types);
    outputTypes = copy;
  }
  const { length, changed } = changes.edgeTypes;
  let edgeTypes = base.edgeTypes;
  if (changed.length || length !== base.edgeTypes.length) {
    edgeTypes = base.edgeTypes.slice(0, length);
    while (edgeTypes.length < length) edgeTypes.push(null);
    for (const [i, type] of changed) if (i >= 0 && i < edgeTypes.length) edgeTypes[i] = type;
  }
  return { problems: changes.problems, outputTypes, edgeTypes, memory: changes.memory, parameters: changes.parameters };
}

/** Deep equality of JSON values, key order included. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
