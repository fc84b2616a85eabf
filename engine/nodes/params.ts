/**
 * Parameter schemas of node kinds. One declaration serves validation, defaults,
 * the inspector's generated form and the documentation shown beside it.
 */
export type ParamSpec =
  | { kind: 'int'; default: number; min: number; max: number; doc: string }
  | { kind: 'number'; default: number; min: number; max: number; doc: string; exclusiveMin?: boolean }
  | { kind: 'boolean'; default: boolean; doc: string }
  | { kind: 'enum'; default: string; options: readonly string[]; doc: string };

export type ParamSpecs = Record<string, ParamSpec>;

export type ParamValue = number | boolean | string;

/** The resolved parameter object of a spec map: ints and numbers as number, and so on. */
export type ParamsOf<S extends ParamSpecs> = {
  [K in keyof S]: S[K] extends { kind: 'boolean' } ? boolean : S[K] extends { kind: 'enum' } ? string : number;
};

export interface ParamProblem {
  param: string;
  message: string;
}

/**
 * Checks raw params from a file against the spec and fills defaults. Never throws:
 * every unknown key, wrong type and out-of-bounds value becomes a problem, and the
 * default stands in for it so later stages can go on.
 */
export function resolveParams<S extends ParamSpecs>(
  specs: S,
  raw: unknown,
): { params: ParamsOf<S>; problems: ParamProblem[] } {
  const problems: ParamProblem[] = [];
  const params: Record<string, ParamValue> = {};
  const given: Record<string, unknown> =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (raw !== undefined && given !== raw) {
    problems.push({ param: '', message: `params must be an object, got ${describeValue(raw)}` });
  }
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(specs, key)) {
      const known = Object.keys(specs);
      problems.push({
        param: key,
        message: `unknown parameter "${key}"${known.length ? ` (known: ${known.join(', ')})` : ' (this kind takes no parameters)'}`,
      });
    }
  }
  for (const [key, spec] of Object.entries(specs)) {
    const value = given[key];
    if (value === undefined) {
      params[key] = spec.default;
      continue;
    }
    const problem = checkParam(spec, value);
    if (problem) {
      problems.push({ param: key, message: `parameter "${key}" ${problem}` });
      params[key] = spec.default;
    } else {
      params[key] = value as ParamValue;
    }
  }
  return { params: params as ParamsOf<S>, problems };
}

function checkParam(spec: ParamSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `must be a whole number, got ${describeValue(value)}`;
      if (value < spec.min || value > spec.max) return `must be between ${spec.min} and ${spec.max}, got ${value}`;
      return null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a finite number, got ${describeValue(value)}`;
      if (value < spec.min || value > spec.max || (spec.exclusiveMin && value === spec.min)) {
        return `must be ${spec.exclusiveMin ? 'above' : 'at least'} ${spec.min} and at most ${spec.max}, got ${value}`;
      }
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `must be true or false, got ${describeValue(value)}`;
    case 'enum':
      return typeof value === 'string' && spec.options.includes(value)
        ? null
        : `must be one of ${spec.options.map((o) => `"${o}"`).join(', ')}, got ${describeValue(value)}`;
  }
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function defaultParams(specs: ParamSpecs): Record<string, ParamValue> {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default]));
}
