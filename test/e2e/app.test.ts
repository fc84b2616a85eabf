import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeApp, openApp, poll, screenshot, type Served } from './harness.js';

/**
 * The app in Debian's Chromium against `tensorloom serve`: what a workshop participant
 * does, click by click. The tests run in order and build on each other's graph.
 */
let served: Served;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ({ served, browser, page, pageErrors } = await openApp());
}, 120_000);

afterAll(() => closeApp({ served, browser }));

async function dropKind(type: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-item-${type}`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } });
}

async function connect(source: string, sourcePort: string, target: string, targetPort: string): Promise<void> {
  const from = (await page.getByTestId(`handle-${source}-out-${sourcePort}`).boundingBox())!;
  const to = (await page.getByTestId(`handle-${target}-in-${targetPort}`).boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

// Edge labels live in a portal whose DOM order follows mounting, not the graph: compare sorted.
const edgeShapes = async () => (await page.getByTestId('edge-shape').allTextContents()).sort();
const SPIRAL_SHAPES = ['[B×2]', '[B×64]', '[B×64]', '[B×2]', '[B] int32'].sort();
const problemCount = async () => Number(await page.getByTestId('problems').getAttribute('data-count'));
const graph = () => page.evaluate(() => (window as any).tensorloom_app.doc.get().graph);

async function selectNode(id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator('.loom-node__header').click();
  await page.getByTestId('tab-node').click();
}

async function setParam(name: string, value: string): Promise<void> {
  const field = page.getByTestId('inspector').getByTestId(`param-${name}`);
  await field.fill(value);
  await field.press('Enter');
}

describe('Tensorloom in the browser', () => {
  it('builds the spiral classifier from the palette, with a shape on every edge', async () => {
    // One step out (zoom 0.83), so the five nodes fit in a row on a 1440-pixel screen.
    await page.locator('.react-flow__controls-zoomout').click();
    await page.waitForTimeout(300);
    for (const [i, type] of ['Input', 'Linear', 'ReLU', 'Linear', 'CrossEntropy'].entries()) await dropKind(type, 75 + i * 165, 230 + (i === 4 ? 30 : 0));
    await poll(async () => (await graph()).nodes.map((n: { id: string }) => n.id)).toEqual(['input1', 'linear1', 'relu1', 'linear2', 'crossentropy1']);

    await connect('input1', 'x', 'linear1', 'in');
    await connect('linear1', 'out', 'relu1', 'in');
    await connect('relu1', 'out', 'linear2', 'in');
    await connect('linear2', 'out', 'crossentropy1', 'logits');
    await connect('input1', 'y', 'crossentropy1', 'labels');
    await poll(async () => (await graph()).edges.length).toBe(5);

    await selectNode('linear1');
    await setParam('units', '64');
    await selectNode('linear2');
    await setParam('units', '2');
    await poll(() => page.getByTestId('inspector').locator('h2').textContent()).toBe('Linear');

    await poll(edgeShapes).toEqual(SPIRAL_SHAPES);
    await poll(problemCount).toBe(0);
    await page.mouse.click(700, 700); // deselect: a clean picture of the graph
    await screenshot(page, 'canvas');
  });

  it('shows a shape error on the node, and undo and redo take it away and back', async () => {
    const valid = await graph();
    // Labels (int32 class ids) into a Linear layer: a shape rule refuses them.
    await connect('input1', 'y', 'linear1', 'in');
    const node = page.getByTestId('node-linear1');
    await poll(() => node.getAttribute('data-errors')).not.toBe('0');
    await poll(() => node.getAttribute('class')).toMatch(/has-error/);
    await node.hover();
    await poll(() => page.getByTestId('node-problems-linear1').textContent()).toContain('float32');
    expect(await problemCount()).toBeGreaterThan(0);
    await screenshot(page, 'shape-error');

    // The problems list names the node; clicking the problem selects it.
    await page.getByTestId('problem-item').filter({ hasText: 'linear1' }).first().click();
    await poll(() => page.getByTestId('inspector').locator('#node-id').inputValue()).toBe('linear1');

    await page.mouse.click(700, 700);
    await page.keyboard.press('Control+Z');
    await poll(() => node.getAttribute('data-errors')).toBe('0');
    expect(await graph()).toEqual(valid);
    await poll(edgeShapes).toEqual(SPIRAL_SHAPES);
    await poll(problemCount).toBe(0);

    await page.keyboard.press('Control+Shift+Z');
    await poll(() => node.getAttribute('data-errors')).not.toBe('0');
    await page.getByTestId('undo-button').click();
    await poll(() => node.getAttribute('data-errors')).toBe('0');
    expect(await graph()).toEqual(valid);
  });

  it('trains on spirals: the loss chart falls and test accuracy passes 90%', async () => {
    await page.getByTestId('tab-train').click();
    const epochs = page.getByTestId('train-epochs');
    await epochs.fill('30');
    await epochs.press('Enter');
    await page.getByTestId('train-button').click();
    await poll(() => page.getByTestId('run-status').textContent(), 90_000).toBe('Done');
    const chart = page.getByTestId('loss-chart');
    await poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(20);
    const first = Number(await chart.getAttribute('data-first'));
    const last = Number(await chart.getAttribute('data-last'));
    expect(last).toBeLessThan(first * 0.6);
    const accuracy = Number(await page.getByTestId('test-accuracy').getAttribute('data-value'));
    expect(accuracy).toBeGreaterThan(0.9);
    await poll(() => page.getByTestId('status-backend').textContent()).not.toContain('chosen when');
    await page.getByTestId('boundary').waitFor({ timeout: 15_000 });
    await page.getByTestId('confusion').waitFor({ timeout: 15_000 });
    await screenshot(page, 'training');
    await page.getByTestId('boundary').scrollIntoViewIfNeeded();
    await screenshot(page, 'training-boundary');
  });

  it('stops a run and resumes it where it stopped', async () => {
    const epochs = page.getByTestId('train-epochs');
    await epochs.fill('400');
    await epochs.press('Enter');
    await page.getByTestId('train-button').click();
    const step = async () => Number((await page.getByTestId('progress').textContent())?.match(/step (\d+)\//)?.[1] ?? 0);
    await poll(step, 30_000).toBeGreaterThan(30);
    await page.getByTestId('stop-button').click();
    await poll(() => page.getByTestId('run-status').textContent(), 30_000).toBe('Stopped');
    const stoppedAt = await step();
    const chart = page.getByTestId('loss-chart');
    const firstLoss = await chart.getAttribute('data-first');
    const pointsAtStop = Number(await chart.getAttribute('data-points'));
    await page.getByTestId('resume-button').click();
    await poll(() => page.getByTestId('run-status').textContent()).toBe('Training');
    await poll(step, 30_000).toBeGreaterThan(stoppedAt + 20);
    await page.getByTestId('stop-button').click();
    await poll(() => page.getByTestId('run-status').textContent(), 30_000).toBe('Stopped');
    // The curves go on from where they were: same first point, more points.
    expect(await chart.getAttribute('data-first')).toBe(firstLoss);
    await poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(pointsAtStop);
    await epochs.fill('30');
    await epochs.press('Enter');
  });

  it('inspects a trained node: activations, weights and their histograms', async () => {
    await selectNode('linear1');
    const inspection = page.getByTestId('inspection');
    await inspection.scrollIntoViewIfNeeded();
    await inspection.locator('figure').first().waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(page, 'inspection');
  });

  it('saves, reloads the page, reopens the file and shows the same graph', async () => {
    const before = await graph();
    await page.keyboard.press('Control+S');
    const name = page.getByTestId('file-name-input');
    await name.fill('spiral-e2e');
    await page.getByTestId('file-save-confirm').click();
    await poll(() => page.getByTestId('file-name').textContent()).toBe('spiral-e2e.loom.json');
    await poll(() => page.getByTestId('dirty-mark').count()).toBe(0);

    await page.reload();
    await page.getByTestId('palette-item-Input').waitFor();
    await page.waitForTimeout(500);
    expect(await page.getByTestId('confirm-dialog').count()).toBe(0); // saved work: nothing to recover
    await page.getByTestId('action-file.open').click();
    await page.getByTestId('file-spiral-e2e.loom.json').click();
    await poll(() => page.getByTestId('file-name').textContent()).toBe('spiral-e2e.loom.json');
    expect(await graph()).toEqual(before);
    await poll(edgeShapes).toEqual(SPIRAL_SHAPES);
    await poll(() => page.locator('.react-flow__node').count()).toBe(5);
  });

  it('shows the graph as JSON and applies text edits to the canvas', async () => {
    await page.getByTestId('code-toggle').click();
    const code = page.getByTestId('code-view');
    await code.locator('.monaco-editor').waitFor({ timeout: 30_000 });
    // The visible lines, without whitespace (Monaco wraps long lines and uses non-breaking spaces).
    const text = async () => (await code.locator('.view-lines').textContent())?.replace(/[\s\u00a0]+/g, '');
    await poll(text).toContain('"format":"tensorloom.graph"');
    await screenshot(page, 'code-view');

    // Type a new width into the JSON: the canvas follows.
    await code.locator('.view-lines').click();
    await page.keyboard.press('Control+F');
    await page.keyboard.type('"units": 64');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('48');
    await poll(async () => (await graph()).nodes.find((n: { id: string }) => n.id === 'linear1').params.units).toBe(48);
    await poll(edgeShapes).toContain('[B×48]');

    // Undo on the canvas: the text follows back.
    await page.mouse.click(600, 650);
    await page.keyboard.press('Control+Z');
    await poll(async () => (await graph()).nodes.find((n: { id: string }) => n.id === 'linear1').params.units).toBe(64);
    await poll(text).toContain('"units":64');

    // The generated PyTorch module, read-only, beside the JSON.
    await page.getByTestId('tab-pytorch').click();
    const pytorch = page.getByTestId('export-pytorch');
    await poll(() => pytorch.locator('.export-view__bar').textContent(), 20_000).toMatch(/\.py · initial weights/);
    await poll(async () => (await pytorch.locator('.view-lines').textContent()) ?? '').toMatch(/\S/);
    await screenshot(page, 'code-pytorch');
    await page.getByTestId('code-toggle').click();
  });

  it('opens every template with no problem listed', async () => {
    await page.getByTestId('templates-button').click();
    await page.getByTestId('template-grid').waitFor();
    const names = (await page.locator('[data-testid^="template-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!))).filter((id) => id !== 'template-grid');
    expect(names.length).toBe(Number(await page.getByTestId('template-grid').getAttribute('data-count')));
    await screenshot(page, 'templates');
    await page.keyboard.press('Escape');
    for (const id of names) {
      await page.getByTestId('templates-button').click();
      await page.getByTestId(id).click();
      await poll(() => page.getByTestId('file-name').textContent()).toBe(`${id.slice('template-'.length)}.loom.json`);
      await page.getByTestId('readme').waitFor();
      await poll(problemCount).toBe(0);
      await poll(() => page.getByTestId('problems').textContent()).toContain('none');
      if (id === names[0]) await screenshot(page, 'template');
    }
  });

  it('adds a node by search, then duplicates, copies, pastes and deletes from the keyboard', async () => {
    const start = (await graph()).nodes.length;
    await page.mouse.click(600, 650); // the canvas has the focus, nothing selected
    await page.keyboard.press('/');
    await page.getByTestId('add-node-search').fill('drop');
    await screenshot(page, 'search-to-add');
    await page.keyboard.press('Enter');
    await poll(async () => (await graph()).nodes.at(-1)?.id).toBe('dropout1');
    await page.keyboard.press('Control+D');
    await page.keyboard.press('Control+C');
    await page.keyboard.press('Control+V');
    await poll(async () => (await graph()).nodes.map((n: { id: string }) => n.id).slice(start)).toEqual(['dropout1', 'dropout2', 'dropout3']);

    // Shift-click adds to the selection; Delete removes both in one undo step.
    await page.getByTestId('node-dropout1').click({ position: { x: 12, y: 10 } });
    // The copies step down and right, each over the last: dropout1's corner and dropout3 are free.
    await page.getByTestId('node-dropout3').click({ modifiers: ['Shift'] });
    await page.keyboard.press('Delete');
    await poll(async () => (await graph()).nodes.map((n: { id: string }) => n.id).slice(start)).toEqual(['dropout2']);
    await page.keyboard.press('Control+Z');
    await poll(async () => (await graph()).nodes.length).toBe(start + 3);

    // The right-click menu runs the same actions.
    await page.getByTestId('node-dropout3').click({ button: 'right' });
    await page.getByTestId('context-menu').waitFor();
    await screenshot(page, 'context-menu');
    await page.getByTestId('menu-edit.delete').click();
    await poll(async () => (await graph()).nodes.map((n: { id: string }) => n.id).slice(start)).toEqual(['dropout1', 'dropout2']);
  });

  it('offers to restore unsaved work when the page is opened again', async () => {
    const recoveryDir = join(served.home, 'recovery');
    const before = await graph();
    // The autosave runs every few seconds while there are unsaved changes: wait for it to hold this graph.
    const autosaved = () => {
      if (!existsSync(recoveryDir)) return null;
      for (const f of readdirSync(recoveryDir).filter((n) => n.endsWith('.json'))) {
        const record = JSON.parse(JSON.parse(readFileSync(join(recoveryDir, f), 'utf8')).text);
        return JSON.parse(record.graph);
      }
      return null;
    };
    await poll(() => Promise.resolve(autosaved()), 15_000).toEqual(before);
    await page.reload();
    await page.getByTestId('confirm-dialog').waitFor({ timeout: 15_000 });
    await screenshot(page, 'restore');
    await page.getByTestId('confirm-ok').click();
    expect(await graph()).toEqual(before);
    await poll(() => page.getByTestId('dirty-mark').count()).toBe(1);
  });

  it('reads well in the dark theme', async () => {
    await page.getByTestId('theme-toggle').click();
    await poll(() => page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.getByTestId('tab-train').click();
    await screenshot(page, 'dark');
    await page.getByTestId('theme-toggle').click();
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
