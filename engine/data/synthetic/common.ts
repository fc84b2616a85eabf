import { createRng, hashSeed } from '../../util/hash.js';
import { defineDataset, type DatasetIssue, type DatasetKind, type DatasetParamSpecs, type DatasetParamsOf } from '../kind.js';
import type { DatasetSpec } from '../spec.js';
import { shuffleSplit } from '../split.js';

export const samplesParam = (fallback = 2000) =>
  ({ kind: 'int', default: fallback, min: 10, max: 200_000, doc: 'Number of points, train and test together' }) as const;

/** Points of a 2-D classification set: x [count, 2] row-major, y class ids. */
export interface Points2D {
  x: Float32Array;
  y: Int32Array;
}

interface Synthetic2D<S extends DatasetParamSpecs & { samples: { kind: 'int' } }> {
  name: string;
  summary: string;
  doc: string;
  params: S;
  classNames(params: DatasetParamsOf<S>): string[];
  /** Cross-parameter checks the bounds of single params cannot express. */
  check?(params: DatasetParamsOf<S>): DatasetIssue[];
  /** Draws `params.samples` points with classes as balanced as the count allows. */
  generate(params: DatasetParamsOf<S>, rng: () => number): Points2D;
}

/**
 * A seeded 2-D classification dataset: generated from the seed, then shuffled and
 * split by the ref's testFraction. Class c holds the examples i with i % classes == c,
 * so classes are balanced to within one example.
 */
export function defineSynthetic2D<S extends DatasetParamSpecs & { samples: { kind: 'int' } }>(
  def: Synthetic2D<S>,
): DatasetKind<S> {
  const spec = (params: DatasetParamsOf<S>): DatasetSpec => {
    const classNames = def.classNames(params);
    return {
      name: def.name,
      task: 'classification',
      x: { shape: ['B', 2], dtype: 'float32' },
      y: { shape: ['B'], dtype: 'int32' },
      numClasses: classNames.length,
      classNames,
      featureNames: ['x1', 'x2'],
    };
  };
  return defineDataset({
    name: def.name,
    summary: def.summary,
    doc: def.doc,
    params: def.params,
    twoD: true,
    ownSplit: false,
    describe(params) {
      const issues = def.check?.(params) ?? [];
      return { spec: issues.length ? null : spec(params), issues };
    },
    async load(params, ctx) {
      const rng = createRng(hashSeed(ctx.seed, def.name, 'generate'));
      const points = def.generate(params, rng);
      const all = { x: points.x, y: points.y, count: points.y.length };
      const { train, test } = shuffleSplit(all, ctx.testFraction, hashSeed(ctx.seed, def.name, 'split'));
      return { ok: true, dataset: { spec: spec(params), train, test } };
    },
  });
}
