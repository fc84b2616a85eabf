import type { DatasetSpec, LoadedDataset } from './spec.js';
import { describeValue, resolveParams, type ParamSpec, type ParamSpecs, type ParamValue } from '../nodes/params.js';

/**
 * Datasets declare their parameters like node kinds do, so the app builds their form
 * the same way. One addition: free text (a CSV file's path and label column), which
 * node kinds never need.
 */
export interface StringParamSpec {
  kind: 'string';
  default: string;
  doc: string;
  /** The value must be given (an empty string counts as missing). */
  required?: boolean;
  /** A hint for the form: 'path' gets a file picker. */
  format?: 'path';
}

export type DatasetParamSpec = ParamSpec | StringParamSpec;
export type DatasetParamSpecs = Record<string, DatasetParamSpec>;

export type DatasetParamsOf<S extends DatasetParamSpecs> = {
  [K in keyof S]: S[K] extends { kind: 'boolean' } ? boolean : S[K] extends { kind: 'enum' | 'string' } ? string : number;
};

/** A problem of one dataset, before the registry turns it into a graph `Problem`. */
export interface DatasetIssue {
  /** The parameter at fault ('' or absent for the dataset as a whole). */
  param?: string;
  message: string;
  severity?: 'error' | 'warning';
}

export interface DescribeContext {
  /** Relative file paths are resolved against this folder (the graph file's). */
  baseDir: string;
  /** The ref's testFraction, if it gave one. */
  testFraction?: number;
}

export interface LoadContext extends DescribeContext {
  seed: number;
  /** The test share for datasets without a natural split (default already filled in). */
  testFraction: number;
}

export type LoadOutcome = { ok: true; dataset: LoadedDataset } | { ok: false; issues: DatasetIssue[] };

export interface DatasetKind<S extends DatasetParamSpecs = DatasetParamSpecs> {
  name: string;
  /** One line for the dataset chooser. */
  summary: string;
  /** Longer documentation (Markdown). */
  doc: string;
  params: S;
  /** Two float features: the app can draw the points and the decision regions. */
  twoD: boolean;
  /** The dataset brings its own train/test split, so the ref's testFraction is ignored. */
  ownSplit: boolean;
  /** Synchronous and cheap: shapes and classes from the params (a CSV reads its header, and its whole file once per version for categorical columns). */
  describe(params: DatasetParamsOf<S>, ctx: DescribeContext): { spec: DatasetSpec | null; issues: DatasetIssue[] };
  /** Called only when describe found no error. Never throws on bad input: returns issues. */
  load(params: DatasetParamsOf<S>, ctx: LoadContext): Promise<LoadOutcome>;
}

/** Identity helper that keeps the param types of a dataset literal. */
export function defineDataset<S extends DatasetParamSpecs>(kind: DatasetKind<S>): DatasetKind<S> {
  return kind;
}

/**
 * `resolveParams` extended with string params: checks raw params against the specs and
 * fills defaults; every problem is reported and the default stands in for it.
 */
export function resolveDatasetParams<S extends DatasetParamSpecs>(
  specs: S,
  raw: unknown,
): { params: DatasetParamsOf<S>; issues: DatasetIssue[] } {
  const issues: DatasetIssue[] = [];
  const given: Record<string, unknown> =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (raw !== undefined && given !== raw) issues.push({ message: `params must be an object, got ${describeValue(raw)}` });

  const known = Object.keys(specs);
  const numeric: ParamSpecs = {};
  const numericRaw: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(specs, key)) {
      issues.push({
        param: key,
        message: `unknown parameter "${key}"${known.length ? ` (known: ${known.join(', ')})` : ' (this dataset takes no parameters)'}`,
      });
    }
  }
  const params: Record<string, ParamValue> = {};
  for (const [key, spec] of Object.entries(specs)) {
    if (spec.kind !== 'string') {
      numeric[key] = spec;
      if (given[key] !== undefined) numericRaw[key] = given[key];
      continue;
    }
    const value = given[key];
    if (value === undefined || value === '') {
      params[key] = spec.default;
      if (spec.required && spec.default === '') issues.push({ param: key, message: `parameter "${key}" is required: ${spec.doc}` });
    } else if (typeof value !== 'string') {
      issues.push({ param: key, message: `parameter "${key}" must be text, got ${describeValue(value)}` });
      params[key] = spec.default;
    } else {
      params[key] = value;
    }
  }
  const resolved = resolveParams(numeric, numericRaw);
  for (const p of resolved.problems) issues.push({ param: p.param, message: p.message });
  return { params: { ...resolved.params, ...params } as DatasetParamsOf<S>, issues };
}
