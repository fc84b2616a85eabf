import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_MEMORY_LIMIT } from '../../graph/memory.js';
import { hashSeed } from '../../util/hash.js';
import { defineDataset, type DatasetIssue } from '../kind.js';
import type { DataSplit, DatasetSpec } from '../spec.js';
import { permutation, testCount } from '../split.js';
import { decodeImage, toFloatPixels } from './decode.js';
import { scanFolder, type FolderScan } from './folder.js';
import { resizeImage } from './resize.js';

const COLORS = ['rgb', 'grayscale'] as const;

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.ceil(bytes / 1024 ** 2)} MB`;
}

function specOf(size: number, channels: number, classNames: string[]): DatasetSpec {
  return {
    name: 'images',
    task: 'classification',
    // Channels last, as Patchify and the MNIST preview expect.
    x: { shape: ['B', size, size, channels], dtype: 'float32' },
    y: { shape: ['B'], dtype: 'int32' },
    numClasses: classNames.length,
    classNames,
  };
}

type Scanned = { ok: true; scan: Extract<FolderScan, { ok: true }>; root: string } | { ok: false; issues: DatasetIssue[] };

function scan(path: string, baseDir: string): Scanned {
  const root = isAbsolute(path) ? path : resolve(baseDir, path);
  let result: FolderScan;
  try {
    result = scanFolder(root, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `folder not found: ${path}${path !== root ? ` (looked for ${root})` : ''}`
        : code === 'ENOTDIR'
          ? `${path} is a file: give the folder that holds one sub-folder per class`
          : `cannot read ${path}: ${(error as Error).message}`;
    return { ok: false, issues: [{ param: 'path', message }] };
  }
  if (!result.ok) return { ok: false, issues: [{ param: 'path', message: result.message }] };
  return { ok: true, scan: result, root };
}

/** The decoded dataset's size, refused above the limit the graph's memory check uses. */
function memoryIssue(count: number, size: number, channels: number): DatasetIssue | null {
  const bytes = count * size * size * channels * 4;
  if (bytes <= DEFAULT_MEMORY_LIMIT) return null;
  return {
    param: 'size',
    message: `${count} images of ${size}×${size}×${channels} need ${formatBytes(bytes)} as float32, over the limit of ${formatBytes(DEFAULT_MEMORY_LIMIT)}: choose a smaller size or grayscale`,
  };
}

function skippedIssue(skipped: string[], path: string): DatasetIssue[] {
  if (skipped.length === 0) return [];
  const examples = skipped.slice(0, 3).join(', ');
  return [{ param: 'path', severity: 'warning', message: `${skipped.length} file${skipped.length === 1 ? ' is' : 's are'} not PNG or JPEG and ${skipped.length === 1 ? 'is' : 'are'} skipped in ${path}: ${examples}${skipped.length > 3 ? ', …' : ''}` }];
}

/** Images in a folder of class sub-folders, resized to a square. */
export const images = defineDataset({
  name: 'images',
  summary: 'Pictures from a folder with one sub-folder per class (PNG and JPEG)',
  doc:
    'Loads the PNG and JPEG files of a folder whose sub-folders are the classes (class names are the sub-folder names, sorted). ' +
    'Each picture is resized to `size`×`size` (area averaging when shrinking, bilinear when enlarging; non-square pictures are stretched), ' +
    'read as RGB or grayscale, and scaled to [0, 1]: x is [B, size, size, channels] (channels last: Flatten it for Linear layers, or Patchify it). ' +
    'Files that are not PNG or JPEG are skipped with a warning; a picture that cannot be decoded stops the load with its file name. ' +
    'Relative paths are resolved from the workspace folder. Shape inference reads only the folder names.',
  params: {
    path: { kind: 'string', default: '', required: true, format: 'path', doc: 'The folder holding one sub-folder of pictures per class' },
    size: { kind: 'int', default: 32, min: 4, max: 512, doc: 'Pictures are resized to size×size pixels' },
    color: { kind: 'enum', default: 'rgb', options: COLORS, doc: 'rgb: 3 channels; grayscale: 1 channel' },
  },
  twoD: false,
  ownSplit: false,
  describe(params, { baseDir }) {
    const found = scan(params.path, baseDir);
    if (!found.ok) return { spec: null, issues: found.issues };
    const channels = params.color === 'grayscale' ? 1 : 3;
    const tooBig = memoryIssue(found.scan.count, params.size, channels);
    if (tooBig) return { spec: null, issues: [tooBig] };
    return { spec: specOf(params.size, channels, found.scan.classes.map((c) => c.name)), issues: skippedIssue(found.scan.skipped, params.path) };
  },
  async load(params, { baseDir, seed, testFraction }) {
    const found = scan(params.path, baseDir);
    if (!found.ok) return { ok: false, issues: found.issues };
    const channels = params.color === 'grayscale' ? 1 : 3;
    const tooBig = memoryIssue(found.scan.count, params.size, channels);
    if (tooBig) return { ok: false, issues: [tooBig] };
    const files = found.scan.classes.flatMap((c, id) => c.files.map((f) => ({ path: join(c.name, f), id })));
    const count = files.length;
    // The seeded shuffle of split.ts's shuffleSplit, but each picture is decoded straight
    // into its place in train or test: the pixels are held once, never copied.
    const order = permutation(count, hashSeed(seed, 'images', 'split'));
    const nTest = testCount(count, testFraction);
    const pixels = params.size * params.size * channels;
    const test: DataSplit = { x: new Float32Array(nTest * pixels), y: new Int32Array(nTest), count: nTest };
    const train: DataSplit = { x: new Float32Array((count - nTest) * pixels), y: new Int32Array(count - nTest), count: count - nTest };
    for (let k = 0; k < count; k++) {
      const file = files[order[k]];
      const shown = join(params.path, file.path);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(join(found.root, file.path));
      } catch (error) {
        return { ok: false, issues: [{ param: 'path', message: `cannot read ${shown}: ${(error as Error).message}` }] };
      }
      let resized: Float32Array;
      try {
        const img = decodeImage(bytes);
        resized = resizeImage(toFloatPixels(img, channels), img.width, img.height, channels, params.size);
      } catch (error) {
        return { ok: false, issues: [{ param: 'path', message: `${shown}: ${(error as Error).message}` }] };
      }
      const [split, i] = k < nTest ? [test, k] : [train, k - nTest];
      split.x.set(resized, i * pixels);
      split.y[i] = file.id;
    }
    const classNames = found.scan.classes.map((c) => c.name);
    return { ok: true, dataset: { spec: specOf(params.size, channels, classNames), train, test } };
  },
});
