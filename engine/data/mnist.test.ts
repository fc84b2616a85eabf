import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadMnistFrom, mnistDataDir } from './mnist.js';
import { DatasetError, describeDataset, loadDataset } from './registry.js';

describe('mnist', () => {
  it('loads the full official split quickly: 60000 train, 10000 test, 28×28 in [0, 1]', async () => {
    const start = performance.now();
    const d = await loadDataset({ name: 'mnist' }, 1);
    const seconds = (performance.now() - start) / 1000;
    expect(seconds).toBeLessThan(5);
    expect(d.spec.x).toEqual({ shape: ['B', 28, 28], dtype: 'float32' });
    expect(d.spec.y).toEqual({ shape: ['B'], dtype: 'int32' });
    expect(d.spec.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.train.count).toBe(60000);
    expect(d.test.count).toBe(10000);
    expect(d.train.x).toHaveLength(60000 * 784);
    expect(d.test.y).toHaveLength(10000);

    let min = Infinity;
    let max = -Infinity;
    for (const v of d.test.x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);

    // The well-known first labels of each split.
    expect(Array.from(d.test.y.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    expect(Array.from(d.train.y.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);

    // Each digit is roughly a tenth of the training set.
    const histogram = new Array(10).fill(0);
    for (const label of d.train.y) histogram[label]++;
    for (const n of histogram) {
      expect(n).toBeGreaterThan(5000);
      expect(n).toBeLessThan(7000);
    }

    // Pixels are the file's bytes / 255, row-major: compare the first test image.
    const raw = readFileSync(join(mnistDataDir()!, 't10k-images-idx3-ubyte'));
    for (let i = 0; i < 784; i++) expect(d.test.x[i]).toBe(Math.fround(raw[16 + i] / 255));
  });

  it('trainSamples and testSamples take the first images of each split', async () => {
    const d = await loadDataset({ name: 'mnist', params: { trainSamples: 100, testSamples: 5 } }, 1);
    expect(d.train.count).toBe(100);
    expect(d.test.count).toBe(5);
    expect(Array.from(d.test.y)).toEqual([7, 2, 1, 0, 4]);
    expect(d.train.x).toHaveLength(100 * 784);
  });

  it('warns that testFraction is ignored, and rejects out-of-range sample counts', () => {
    const warned = describeDataset({ name: 'mnist', testFraction: 0.5 });
    expect(warned.spec).not.toBeNull();
    expect(warned.problems).toMatchObject([{ severity: 'warning', path: 'dataset.testFraction' }]);
    const bad = describeDataset({ name: 'mnist', params: { trainSamples: 70000 } });
    expect(bad.spec).toBeNull();
    expect(bad.problems[0].message).toContain('"trainSamples" must be between 1 and 60000, got 70000');
  });

  it('names the missing files of a broken install, and a truncated file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const missing = await loadMnistFrom(dir, 10, 10);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.issues[0].message).toContain('train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte are missing');

    const source = mnistDataDir()!;
    for (const f of ['train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) copyFileSync(join(source, f), join(dir, f));
    // A header that promises 60000 images followed by only one image.
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), readFileSync(join(source, 'train-images-idx3-ubyte')).subarray(0, 16 + 784));
    const truncated = await loadMnistFrom(dir, 2, 2);
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) expect(truncated.issues[0].message).toMatch(/train-images-idx3-ubyte is truncated: expected 1568 bytes of data, found 784/);
  });

  it('a DatasetError carries the problems when loading fails', async () => {
    const error = await loadDataset({ name: 'mnist', params: { testSamples: 0 } }, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).problems[0].path).toBe('dataset.params.testSamples');
  });
});
