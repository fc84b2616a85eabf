import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../../graph/problems.js';
import { DatasetError, describeDataset, loadDataset } from '../registry.js';

/** A solid w×h picture as PNG bytes. */
function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const img = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) img.data.set([...rgb, 255], 4 * i);
  return PNG.sync.write(img);
}

function jpg(w: number, h: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([...rgb, 255], 4 * i);
  return jpeg.encode({ width: w, height: h, data }, 95).data;
}

let root: string;
const opts = () => ({ baseDir: root });

function write(rel: string, bytes: Buffer | string): void {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tensorloom-images-'));
  // "pets": dark cats (PNG, 10×6, not square) and bright dogs (JPEG), plus a stray text file.
  for (let i = 0; i < 3; i++) write(`pets/cat/c${i}.png`, png(10, 6, [20, 40, 60]));
  for (let i = 0; i < 2; i++) write(`pets/dog/d${i}.JPG`, jpg(8, 8, [230, 200, 180]));
  write('pets/dog/notes.txt', 'not a picture');
  write('pets/.hidden/x.png', png(2, 2, [0, 0, 0]));
  write('one-class/only/a.png', png(4, 4, [1, 2, 3]));
  write('loose/a.png', png(4, 4, [1, 2, 3]));
  write('empty-class/a/x.png', png(4, 4, [1, 2, 3]));
  mkdirSync(join(root, 'empty-class/b'));
  write('empty-class/b/readme.md', '# nothing');
  write('corrupt/a/ok.png', png(4, 4, [1, 2, 3]));
  write('corrupt/b/broken.png', png(4, 4, [1, 2, 3]).subarray(0, 40));
  write('corrupt/b/fine.jpeg', jpg(4, 4, [9, 9, 9]));
  write('mislabelled/a/fake.jpg', 'hello, I am text');
  write('mislabelled/b/ok.png', png(4, 4, [1, 2, 3]));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function loadErrors(params: Record<string, string | number>): Promise<string[]> {
  const error = await loadDataset({ name: 'images', params }, 1, opts()).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return (error as DatasetError).problems.map(formatProblem);
}

describe('images dataset', () => {
  it('describes classes from folder names, warns about skipped files, opens no picture', () => {
    const { spec, problems } = describeDataset({ name: 'images', params: { path: 'pets', size: 16 } }, opts());
    expect(spec).toMatchObject({ task: 'classification', x: { shape: ['B', 16, 16, 3], dtype: 'float32' }, y: { shape: ['B'], dtype: 'int32' }, numClasses: 2, classNames: ['cat', 'dog'] });
    expect(problems.map((p) => [p.severity, p.message])).toEqual([['warning', 'dataset "images": 1 file is not PNG or JPEG and is skipped in pets: dog/notes.txt']]);
  });

  it('loads PNG and JPEG, resized, scaled to [0, 1], with the right class on every picture', async () => {
    const d = await loadDataset({ name: 'images', params: { path: 'pets', size: 5 }, testFraction: 0.4 }, 7, opts());
    expect(d.train.count + d.test.count).toBe(5);
    expect(d.test.count).toBe(2);
    expect(d.train.x).toHaveLength(d.train.count * 5 * 5 * 3);
    for (const split of [d.train, d.test]) {
      for (let i = 0; i < split.count; i++) {
        const pixels = split.x.subarray(i * 75, (i + 1) * 75);
        const cls = split.y[i];
        // A solid picture stays solid after resizing; JPEG allows a small colour error.
        const want = cls === 0 ? [20, 40, 60] : [230, 200, 180];
        const tolerance = cls === 0 ? 1e-6 : 4 / 255;
        for (let p = 0; p < 25; p++) for (let c = 0; c < 3; c++) expect(Math.abs(pixels[3 * p + c] - want[c] / 255)).toBeLessThan(tolerance);
      }
    }
    const labels = [...d.train.y, ...d.test.y].sort();
    expect(labels).toEqual([0, 0, 0, 1, 1]);
  });

  it('grayscale gives one channel of luma', async () => {
    const d = await loadDataset({ name: 'images', params: { path: 'pets', size: 4, color: 'grayscale' } }, 1, opts());
    expect(d.spec.x.shape).toEqual(['B', 4, 4, 1]);
    const i = Array.from(d.train.y).indexOf(0);
    expect(d.train.x[i * 16]).toBeCloseTo((0.299 * 20 + 0.587 * 40 + 0.114 * 60) / 255, 6);
  });

  it('the same seed gives the same split', async () => {
    const ref = { name: 'images', params: { path: 'pets', size: 4 }, testFraction: 0.4 };
    const a = await loadDataset(ref, 3, opts());
    const b = await loadDataset(ref, 3, opts());
    expect(b.test.y).toEqual(a.test.y);
    expect(b.test.x).toEqual(a.test.x);
  });

  it('a folder with one class, or with loose pictures, is refused naming the folder', () => {
    expect(describeDataset({ name: 'images', params: { path: 'one-class' } }, opts()).problems[0].message).toContain(
      'the folder one-class has only one sub-folder ("only"): an image dataset needs one sub-folder per class, at least two classes',
    );
    expect(describeDataset({ name: 'images', params: { path: 'loose' } }, opts()).problems[0].message).toContain('its 1 image lies directly in it: move each class');
  });

  it('an empty class folder is refused naming it', () => {
    const [p] = describeDataset({ name: 'images', params: { path: 'empty-class' } }, opts()).problems;
    expect(p.message).toContain('the class folder empty-class/b has no PNG or JPEG images (only readme.md)');
    expect(p.path).toBe('dataset.params.path');
  });

  it('a missing folder says where it looked', () => {
    const [p] = describeDataset({ name: 'images', params: { path: 'nope' } }, opts()).problems;
    expect(p.message).toContain('folder not found: nope (looked for');
  });

  it('a corrupt picture stops the load with its file name', async () => {
    const [message, ...rest] = await loadErrors({ path: 'corrupt', size: 4 });
    expect(rest).toEqual([]);
    expect(message).toContain('corrupt/b/broken.png: not a readable PNG');
  });

  it('text saved as .jpg is named as not an image', async () => {
    const [message] = await loadErrors({ path: 'mislabelled', size: 4 });
    expect(message).toContain('mislabelled/a/fake.jpg: the file is neither a PNG nor a JPEG');
  });

  it('refuses a size whose pixels would pass the memory limit, counting files by name only', () => {
    // Empty files: describe never opens them, so only their number matters.
    for (const c of ['a', 'b']) for (let i = 0; i < 1950; i++) write(`many/${c}/${i}.png`, Buffer.alloc(0));
    const refused = describeDataset({ name: 'images', params: { path: 'many', size: 512 } }, opts());
    expect(refused.spec).toBeNull();
    expect(refused.problems[0].message).toContain('3900 images of 512×512×3 need 11.4 GB as float32, over the limit of 8.0 GB: choose a smaller size or grayscale');
    expect(refused.problems[0].param).toBe('size');
    // A third of the floats in grayscale fits.
    expect(describeDataset({ name: 'images', params: { path: 'many', size: 512, color: 'grayscale' } }, opts()).spec?.x.shape).toEqual(['B', 512, 512, 1]);
  });
});
