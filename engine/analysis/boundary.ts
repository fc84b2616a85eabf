import { tf } from '../tf.js';
import type { CompiledModel } from '../compile/compile.js';
import type { LoadedDataset } from '../data/spec.js';
import type { BoundaryGrid } from '../protocol/messages.js';
import { AnalysisError, logitsFor, requirePredictionSource } from './confusion.js';

/** Share of the data's range added on each side, so the regions around the points show. */
const MARGIN = 0.1;
const CHUNK = 4096;

/**
 * The decision boundary of a classifier on 2-D data: the predicted class and its
 * probability at the centre of every cell of a resolution × resolution grid over the
 * data's range (train and test), rows from yMin up, columns from xMin right.
 */
export async function decisionBoundary(model: CompiledModel, data: LoadedDataset, resolution: number): Promise<BoundaryGrid> {
  const { spec } = data;
  if (spec.x.dtype !== 'float32' || spec.x.shape.length !== 2 || spec.x.shape[1] !== 2) {
    throw new AnalysisError('not-2d', `the decision boundary needs 2-D points; dataset "${spec.name}" has inputs [${spec.x.shape}] ${spec.x.dtype}`);
  }
  const source = requirePredictionSource(model, 'the decision boundary');
  const range = extent([data.train.x, data.test.x]);
  const padX = (range.xMax - range.xMin || 1) * MARGIN;
  const padY = (range.yMax - range.yMin || 1) * MARGIN;
  const xMin = range.xMin - padX;
  const xMax = range.xMax + padX;
  const yMin = range.yMin - padY;
  const yMax = range.yMax + padY;
  const cells = resolution * resolution;
  const points = new Float32Array(cells * 2);
  for (let row = 0; row < resolution; row++) {
    for (let col = 0; col < resolution; col++) {
      const i = row * resolution + col;
      points[2 * i] = xMin + ((col + 0.5) * (xMax - xMin)) / resolution;
      points[2 * i + 1] = yMin + ((row + 0.5) * (yMax - yMin)) / resolution;
    }
  }
  const classes: number[] = new Array(cells);
  const confidence: number[] = new Array(cells);
  for (let start = 0; start < cells; start += CHUNK) {
    const n = Math.min(CHUNK, cells - start);
    const [best, prob] = tf.tidy(() => {
      const x = tf.tensor2d(points.subarray(2 * start, 2 * (start + n)), [n, 2]);
      const probs = tf.softmax(logitsFor(model, spec, source, x));
      return [tf.argMax(probs, -1), tf.max(probs, -1)];
    });
    const b = await best.data();
    const p = await prob.data();
    best.dispose();
    prob.dispose();
    for (let k = 0; k < n; k++) {
      classes[start + k] = b[k];
      confidence[start + k] = p[k];
    }
  }
  return { xMin, xMax, yMin, yMax, resolution, classes, confidence };
}

function extent(splits: (Float32Array | Int32Array)[]): { xMin: number; xMax: number; yMin: number; yMax: number } {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const xs of splits) {
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const x = xs[i];
      const y = xs[i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
  }
  if (xMin > xMax) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  return { xMin, xMax, yMin, yMax };
}
