import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeApp, openApp, poll, screenshot, type Served } from './harness.js';

let served: Served;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let scratch: string;

/** A seeded generator, so the data (and the test) is the same every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * Points in the plane with a color, an id, a day and a free-text note; the label sits in
 * the middle. The color decides most labels (red left, blue right) with x1, x2 spread
 * over both sides; only green points lie in two blobs. So the points alone cannot reach
 * 90% accuracy (about two thirds of them carry no hint in x1, x2): the one-hot color must be used.
 */
function pointsCsv(): string {
  const r = rng(7);
  const lines = ['id,x1,x2,color,kind,day,note'];
  for (let i = 0; i < 160; i++) {
    const color = ['red', 'green', 'blue'][i % 3];
    const a = color === 'red' || (color === 'green' && i % 2 === 0);
    const c = color === 'green' ? (a ? -1.5 : 1.5) : 0;
    const spread = color === 'green' ? 2 : 5;
    lines.push(`${i + 1},${(c + (r() - 0.5) * spread).toFixed(3)},${(c + (r() - 0.5) * spread).toFixed(3)},${color},${a ? 'left' : 'right'},day ${i % 7},"row ${i + 1}, checked"`);
  }
  return `${lines.join('\n')}\n`;
}

/** bright/ and dark/ folders of small noisy grayscale PNGs. */
function shadesFolder(): string {
  const root = join(scratch, 'shades');
  const r = rng(3);
  for (const [cls, base] of [['bright', 190], ['dark', 20]] as const) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < 16; i++) {
      const img = new PNG({ width: 12, height: 12 });
      for (let p = 0; p < 144; p++) {
        const v = Math.round(base + r() * 45);
        img.data.set([v, v, v, 255], 4 * p);
      }
      writeFileSync(join(root, cls, `${cls}-${String(i).padStart(2, '0')}.png`), PNG.sync.write(img));
    }
  }
  writeFileSync(join(root, 'bright', 'notes.txt'), 'not a picture');
  return root;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'tensorloom-import-e2e-'));
  ({ served, browser, page, pageErrors } = await openApp());
});

afterAll(async () => {
  await closeApp({ served, browser });
  rmSync(scratch, { recursive: true, force: true });
});

const graph = () => page.evaluate(() => (window as any).tensorloom_app.doc.get().graph);

async function trainAndReadAccuracy(epochs: number): Promise<number> {
  await page.getByTestId('tab-train').click();
  const field = page.getByTestId('train-epochs');
  await field.fill(String(epochs));
  await field.press('Enter');
  await page.getByTestId('train-button').click();
  await poll(() => page.getByTestId('run-status').textContent(), 45_000).toBe('Done');
  return Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
}

describe('Import data', () => {
  it('imports a CSV through the dialog: preview, column roles (a category one-hot), label, split; then trains on it', async () => {
    await page.getByTestId('tab-train').click();
    await page.getByTestId('dataset-import').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    await page.getByTestId('import-csv-file').setInputFiles({ name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from(pointsCsv()) });
    await poll(() => page.getByTestId('import-csv-summary').textContent()).toContain('160 rows · 7 columns');
    expect(await page.getByTestId('import-type-x1').textContent()).toBe('number');
    expect(await page.getByTestId('import-type-color').textContent()).toBe('category');
    expect(await page.getByTestId('import-type-day').textContent()).toBe('category');
    expect(await page.getByTestId('import-type-note').textContent()).toBe('text');
    // The last column was guessed as the label; the one to predict is "kind".
    expect(await page.getByTestId('import-label').inputValue()).toBe('6');
    await page.getByTestId('import-label').selectOption({ label: 'kind' });
    expect(await page.getByTestId('import-role-kind').inputValue()).toBe('label');
    expect(await page.getByTestId('import-role-id').inputValue()).toBe('ignore');
    expect(await page.getByTestId('import-role-note').inputValue()).toBe('ignore');
    // Categories start one-hot: x1, x2, three colors and seven days.
    expect(await page.getByTestId('import-role-color').inputValue()).toBe('onehot');
    expect(await page.getByTestId('import-role-day').inputValue()).toBe('onehot');
    expect(await page.getByTestId('import-shape').textContent()).toBe('2 classes · 12 features, 10 of them one-hot from color, day');
    expect(await page.getByTestId('import-onehot-color').textContent()).toBe('3 features, one per value');
    // A category as a plain (numeric) feature is refused, with its name and the way out.
    await page.getByTestId('import-role-day').selectOption('feature');
    await poll(() => page.getByTestId('import-problem').textContent()).toBe('Column "day" holds categories, not numbers: set it to "feature (one-hot)" or ignore it.');
    expect(await page.getByTestId('import-submit').isDisabled()).toBe(true);
    await page.getByTestId('import-role-day').selectOption('ignore');
    expect(await page.getByTestId('import-shape').textContent()).toBe('2 classes · 5 features, 3 of them one-hot from color');
    // Free text (a value per row) is not offered one-hot; as a feature it is refused, and why.
    expect(await page.getByTestId('import-role-note').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['feature', 'ignore', 'label']);
    await page.getByTestId('import-role-note').selectOption('feature');
    await poll(() => page.getByTestId('import-problem').textContent()).toContain('Column "note" holds free text (160 distinct values): set it to ignore. One-hot encoding makes one feature per distinct value');
    await page.getByTestId('import-role-note').selectOption('ignore');
    await poll(() => page.getByTestId('import-problem').count()).toBe(0);
    await page.getByTestId('import-split').fill('25');
    expect(await page.getByTestId('import-split-value').textContent()).toBe('25%');
    expect(await page.getByTestId('import-starter').isChecked()).toBe(true);
    await screenshot(page, 'import-csv');

    await page.getByTestId('import-submit').click();
    await dialog.waitFor({ state: 'detached' });
    const g = await graph();
    expect(g.dataset).toEqual({ name: 'csv', params: { path: 'data/points.csv', label: 'kind', ignore: 'id,day,note', categorical: 'color', task: 'classification' }, testFraction: 0.25 });
    expect(g.nodes.map((n: { type: string }) => n.type)).toEqual(['Input', 'Linear', 'ReLU', 'Linear', 'CrossEntropy']);
    // One undo takes the whole import back (dataset and starter network), redo brings it again.
    const undoLabel = () => page.evaluate(() => (window as any).tensorloom_app.doc.get().undoLabel);
    expect(await undoLabel()).toBe('Import data/points.csv');
    await page.getByTestId('undo-button').click();
    await poll(async () => (await graph()).dataset.name).toBe('spirals');
    expect((await graph()).nodes).toEqual([]);
    await page.keyboard.press('Control+Shift+Z');
    await poll(async () => (await graph()).dataset).toEqual(g.dataset);

    await poll(async () => Number(await page.getByTestId('problems').getAttribute('data-count'))).toBe(0);
    expect(await trainAndReadAccuracy(12)).toBeGreaterThan(0.9);
  });

  it('imports a folder of pictures: classes with counts and thumbnails, size and color; then trains on it', async () => {
    const folder = shadesFolder();
    // A new, empty graph: the dialog offers a starter network for it.
    await page.mouse.click(700, 600);
    await page.keyboard.press('Control+Alt+N');
    // The CSV import left unsaved changes: discard them (a fresh page asks nothing).
    await page.getByTestId('confirm-ok').click({ timeout: 2000 }).catch(() => {});
    await poll(async () => (await graph()).nodes.length).toBe(0);
    await page.keyboard.press('Control+k');
    await page.getByTestId('command-palette').locator('input').fill('import data');
    await poll(() => page.getByTestId('command-palette').locator('[role=option]').allTextContents()).toEqual(['FileImport data…']);
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    await page.getByTestId('import-tab-images').click();
    await page.getByTestId('import-image-folder').setInputFiles(folder);
    await poll(() => page.getByTestId('import-images-summary').textContent()).toContain('32 pictures · 2 classes');
    expect(await page.getByTestId('import-class-bright').getAttribute('data-count')).toBe('16');
    expect(await page.getByTestId('import-class-dark').locator('img').count()).toBe(6);
    expect(await page.getByTestId('import-skipped').textContent()).toContain('bright/notes.txt');
    await page.getByTestId('import-size').selectOption('16');
    await page.getByTestId('import-color').selectOption('grayscale');
    // Thumbnails are decoded by the browser: wait until they show before the picture is taken.
    await poll(() => page.getByTestId('import-class-dark').locator('img').first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(12);
    await screenshot(page, 'import-images');

    await page.getByTestId('import-submit').click();
    await dialog.waitFor({ state: 'detached' });
    const g = await graph();
    expect(g.dataset).toEqual({ name: 'images', params: { path: 'data/shades', size: 16, color: 'grayscale' }, testFraction: 0.2 });
    expect(g.nodes.map((n: { type: string }) => n.type)).toEqual(['Input', 'Flatten', 'Linear', 'ReLU', 'Linear', 'CrossEntropy']);
    await poll(async () => Number(await page.getByTestId('problems').getAttribute('data-count'))).toBe(0);
    expect(await trainAndReadAccuracy(60)).toBeGreaterThan(0.8);
    expect(pageErrors).toEqual([]);
  });

  it('shows a folder with a single class as a problem in the dialog, not a crash', async () => {
    const single = join(scratch, 'single', 'only');
    mkdirSync(single, { recursive: true });
    const img = new PNG({ width: 2, height: 2 });
    writeFileSync(join(single, 'a.png'), PNG.sync.write(img));
    await page.getByTestId('dataset-import').click();
    await page.getByTestId('import-tab-images').click();
    await page.getByTestId('import-image-folder').setInputFiles(join(scratch, 'single'));
    await poll(() => page.getByTestId('import-problem').textContent()).toContain('has pictures in only one sub-folder ("only")');
    expect(await page.getByTestId('import-submit').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('import-dialog').waitFor({ state: 'detached' });
  });
});
