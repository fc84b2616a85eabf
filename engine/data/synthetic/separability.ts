import type { DataSplit, LoadedDataset } from '../spec.js';

/*
 * How separable a 2-D classification set is, measured without training: the tests
 * use these to show that a dataset is learnable and that it needs a non-linear model.
 */

/** Accuracy on the test split of the 1-nearest-neighbour rule on the train split. */
export function nearestNeighbourAccuracy(d: LoadedDataset): number {
  const { train, test } = d;
  let right = 0;
  for (let i = 0; i < test.count; i++) {
    const px = test.x[2 * i];
    const py = test.x[2 * i + 1];
    let best = Infinity;
    let label = -1;
    for (let j = 0; j < train.count; j++) {
      const dx = train.x[2 * j] - px;
      const dy = train.x[2 * j + 1] - py;
      const dist = dx * dx + dy * dy;
      if (dist < best) [best, label] = [dist, train.y[j]];
    }
    if (label === test.y[i]) right++;
  }
  return right / test.count;
}

/**
 * The best a linear rule does: least squares on one-hot targets with a bias (the
 * closed-form linear classifier), scored on the test split.
 */
export function linearAccuracy(train: DataSplit, test: DataSplit, classes: number): number {
  // Normal equations A w = b for features (x1, x2, 1), one column of w per class.
  const A = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const B = Array.from({ length: 3 }, () => new Array(classes).fill(0));
  for (let i = 0; i < train.count; i++) {
    const f = [train.x[2 * i], train.x[2 * i + 1], 1];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) A[r][c] += f[r] * f[c];
      B[r][train.y[i]] += f[r];
    }
  }
  const W = solve3(A, B);
  let right = 0;
  for (let i = 0; i < test.count; i++) {
    const f = [test.x[2 * i], test.x[2 * i + 1], 1];
    const scores = Array.from({ length: classes }, (_, k) => f[0] * W[0][k] + f[1] * W[1][k] + f[2] * W[2][k]);
    if (scores.indexOf(Math.max(...scores)) === test.y[i]) right++;
  }
  return right / test.count;
}

/** Gauss–Jordan on a 3×3 system with several right-hand sides. */
function solve3(A: number[][], B: number[][]): number[][] {
  const M = A.map((row, r) => [...row, ...B[r]]);
  for (let p = 0; p < 3; p++) {
    const pivot = M[p][p];
    for (let c = 0; c < M[p].length; c++) M[p][c] /= pivot;
    for (let r = 0; r < 3; r++) {
      if (r === p) continue;
      const factor = M[r][p];
      for (let c = 0; c < M[r].length; c++) M[r][c] -= factor * M[p][c];
    }
  }
  return M.map((row) => row.slice(3));
}

