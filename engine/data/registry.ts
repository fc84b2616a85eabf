import type { Problem } from '../graph/problems.js';
import type { DatasetRef } from '../graph/schema.js';
import { closestName } from '../util/closest.js';
import { csv } from './csv/csv.js';
import { DatasetError } from './errors.js';
import { fuzzyBoolean } from './fuzzyBoolean.js';
import { images } from './images/images.js';
import { resolveDatasetParams, type DatasetIssue, type DatasetKind, type DatasetParamSpecs, type DatasetParamsOf } from './kind.js';
import { mnist } from './mnist.js';
import { modularAddition } from './modularAddition.js';
import { sequenceTask } from './sequenceTask.js';
import type { DatasetSpec, LoadedDataset } from './spec.js';
import { circles } from './synthetic/circles.js';
import { gaussians } from './synthetic/gaussians.js';
import { moons } from './synthetic/moons.js';
import { spirals } from './synthetic/spirals.js';
import { xor } from './synthetic/xor.js';
import { teacher } from './teacher.js';

export { DatasetError } from './errors.js';

/** The test share of datasets without a natural split, when the ref gives none. */
export const DEFAULT_TEST_FRACTION = 0.2;

const kinds: DatasetKind<any>[] = [spirals, moons, circles, xor, gaussians, mnist, modularAddition, sequenceTask, fuzzyBoolean, teacher, csv, images];
const byName = new Map(kinds.map((k) => [k.name, k]));

/** What the app's dataset chooser shows and builds its parameter form from (plain data). */
export interface DatasetKindInfo {
  name: string;
  summary: string;
  doc: string;
  params: DatasetParamSpecs;
  /** Two float features: points and decision regions can be drawn. */
  twoD: boolean;
  /** The dataset has its own train/test split; `testFraction` is ignored. */
  ownSplit: boolean;
}

export const datasetKinds: DatasetKindInfo[] = kinds.map(({ name, summary, doc, params, twoD, ownSplit }) => ({ name, summary, doc, params, twoD, ownSplit }));

export function datasetNames(): string[] {
  return kinds.map((k) => k.name);
}

export interface DescribeResult {
  spec: DatasetSpec | null;
  problems: Problem[];
}

export interface DatasetOptions {
  /** Folder that relative file paths (CSV) are resolved against: the graph file's. Default: the working directory. */
  baseDir?: string;
}

function toProblem(issue: DatasetIssue, datasetName: string): Problem {
  const param = issue.param || undefined;
  return {
    severity: issue.severity ?? 'error',
    code: 'dataset',
    message: `dataset "${datasetName}": ${issue.message}`,
    ...(param ? { param, path: `dataset.params.${param}` } : { path: 'dataset' }),
  };
}

interface Checked {
  kind: DatasetKind<any> | null;
  params: DatasetParamsOf<any>;
  spec: DatasetSpec | null;
  problems: Problem[];
}

function check(ref: DatasetRef, options: DatasetOptions): Checked {
  const kind = byName.get(ref.name) ?? null;
  if (!kind) {
    const guess = closestName(ref.name, datasetNames());
    return {
      kind,
      params: {},
      spec: null,
      problems: [
        {
          severity: 'error',
          code: 'dataset',
          message: `unknown dataset "${ref.name}"${guess ? ` (did you mean "${guess}"?)` : ''}; known datasets: ${datasetNames().join(', ')}`,
          path: 'dataset.name',
        },
      ],
    };
  }
  const { params, issues } = resolveDatasetParams(kind.params, ref.params);
  const problems = issues.map((i) => toProblem(i, kind.name));
  if (kind.ownSplit && ref.testFraction !== undefined) {
    problems.push({
      severity: 'warning',
      code: 'dataset',
      message: `dataset "${kind.name}": testFraction is ignored, this dataset has its own train/test split`,
      path: 'dataset.testFraction',
    });
  }
  // Param problems first: describing with defaults standing in would only add noise.
  if (problems.some((p) => p.severity === 'error')) return { kind, params, spec: null, problems };
  try {
    const described = kind.describe(params, { baseDir: options.baseDir ?? process.cwd(), testFraction: ref.testFraction });
    problems.push(...described.issues.map((i) => toProblem(i, kind.name)));
    const failed = described.issues.some((i) => (i.severity ?? 'error') === 'error');
    return { kind, params, spec: failed ? null : described.spec, problems };
  } catch (error) {
    problems.push(toProblem({ message: `could not be described: ${(error as Error).message}` }, kind.name));
    return { kind, params, spec: null, problems };
  }
}

/**
 * The dataset's shapes and classes from its ref, without loading any data (a CSV
 * file's first line at most): shape inference calls this on every edit. Never throws.
 */
export function describeDataset(ref: DatasetRef, options: DatasetOptions = {}): DescribeResult {
  const { spec, problems } = check(ref, options);
  return { spec, problems };
}

/**
 * Loads (or generates, from `seed`) the dataset's train and test splits. Rejects with
 * a DatasetError listing every problem; nothing is half-loaded.
 */
export async function loadDataset(ref: DatasetRef, seed: number, options: DatasetOptions = {}): Promise<LoadedDataset> {
  const checked = check(ref, options);
  if (!checked.kind || !checked.spec) throw new DatasetError(checked.problems.filter((p) => p.severity === 'error'));
  const kind = checked.kind;
  let outcome;
  try {
    outcome = await kind.load(checked.params, {
      baseDir: options.baseDir ?? process.cwd(),
      seed,
      testFraction: ref.testFraction ?? DEFAULT_TEST_FRACTION,
    });
  } catch (error) {
    throw new DatasetError([toProblem({ message: `could not be loaded: ${(error as Error).message}` }, kind.name)]);
  }
  if (!outcome.ok) throw new DatasetError(outcome.issues.map((i) => toProblem(i, kind.name)));
  return outcome.dataset;
}
