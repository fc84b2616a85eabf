import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildRendererIfStale, launchChromium, poll, screenshot, startServe, watchErrors, type Served } from './harness.js';

/**
 * Sharing in Debian's Chromium against one `tensorloom serve`: nodes copied in one
 * window paste into another (two browser contexts: two separate users of the page,
 * sharing only the system clipboard), a share link opens the graph it holds, and a
 * damaged link says what is wrong.
 */
let served: Served;
let browser: Browser;
let contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const GRAPH = {
  format: 'tensorloom.graph',
  version: 1,
  meta: { title: 'Spiral workshop' },
  dataset: { name: 'spirals', params: { noise: 0.1 } },
  nodes: [
    { id: 'in', type: 'Input', position: { x: 0, y: 80 } },
    { id: 'hidden', type: 'Linear', params: { units: 24 }, position: { x: 260, y: 40 } },
    { id: 'act', type: 'Tanh', position: { x: 520, y: 40 } },
    { id: 'out', type: 'Linear', params: { units: 2 }, position: { x: 780, y: 40 } },
    { id: 'loss', type: 'CrossEntropy', position: { x: 1040, y: 80 } },
  ],
  edges: [
    { source: 'in', sourcePort: 'x', target: 'hidden' },
    { source: 'hidden', target: 'act' },
    { source: 'act', target: 'out' },
    { source: 'out', target: 'loss', targetPort: 'logits' },
    { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
  ],
  training: { optimizer: { type: 'adam', learningRate: 0.02 }, batchSize: 32, epochs: 7, seed: 3 },
};

async function openPage(url = served.url): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
  contexts.push(context);
  const page = await context.newPage();
  watchErrors(page, pageErrors);
  await page.goto(url);
  await page.getByTestId('palette-item-Input').waitFor();
  return page;
}

/**
 * The pages opened so far stop autosaving and their recovery copy is cleared: pages of
 * one server share one recovery slot, so a page opened next would otherwise first be
 * offered another page's unsaved work (whether it is depends on whether 4 s passed).
 */
async function forgetAutosaves(): Promise<void> {
  for (const context of contexts) {
    for (const page of context.pages()) {
      await page.evaluate(() => {
        const autosave = (window as any).tensorloom_app.autosave;
        autosave.stop();
        return autosave.clear();
      });
    }
  }
}

const graphOf = (page: Page) => page.evaluate(() => (window as any).tensorloom_app.doc.get().graph);
const fileOf = (page: Page) => page.evaluate(() => (window as any).tensorloom_app.doc.get().file);

beforeAll(async () => {
  buildRendererIfStale();
  [served, browser] = await Promise.all([startServe(), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

describe('sharing graphs between windows', () => {
  let first: Page;

  it('copies two nodes and their edge in one window and pastes them into another', async () => {
    first = await openPage();
    await first.evaluate((g) => (window as any).tensorloom_app.doc.load(g, { path: null, name: 'workshop.loom.json' }), GRAPH);
    await first.getByTestId('node-hidden').locator('.loom-node__header').click();
    await first.getByTestId('node-act').locator('.loom-node__header').click({ modifiers: ['Shift'] });
    await poll(() => first.evaluate(() => [...(window as any).tensorloom_app.view.getState().selectedNodes].sort())).toEqual(['act', 'hidden']);
    await first.keyboard.press('Control+C');
    // What reached the system clipboard: a marked fragment, the two nodes and the edge between them only.
    const clip = JSON.parse(await first.evaluate(() => navigator.clipboard.readText()));
    expect(clip.format).toBe('tensorloom.fragment');
    expect(clip.nodes.map((n: { id: string }) => n.id)).toEqual(['hidden', 'act']);
    expect(clip.edges).toEqual([{ source: 'hidden', target: 'act' }]);

    const second = await openPage();
    await second.mouse.click(640, 420); // the empty canvas has the focus
    await second.keyboard.press('Control+V');
    await poll(async () => (await graphOf(second)).nodes.map((n: { id: string; type: string }) => `${n.id}:${n.type}`)).toEqual(['linear1:Linear', 'tanh1:Tanh']);
    const pasted = await graphOf(second);
    expect(pasted.nodes[0].params).toEqual({ units: 24 });
    expect(pasted.edges).toEqual([{ source: 'linear1', target: 'tanh1' }]);
    // The dataset of a fragment is not pasted: the second window keeps its own.
    expect(pasted.dataset).toEqual({ name: 'spirals' });
    await second.getByTestId('node-tanh1').waitFor();
    await poll(() => second.locator('.react-flow__edge').count()).toBe(1);
    await screenshot(second, 'share-pasted-from-other-window');

    // One undo step takes the paste away; text that is not a graph changes nothing.
    await second.keyboard.press('Control+Z');
    await poll(async () => (await graphOf(second)).nodes.length).toBe(0);
    await second.evaluate(() => navigator.clipboard.writeText('just some words'));
    await second.mouse.click(640, 420);
    await second.keyboard.press('Control+V');
    await second.getByText('Nothing pasted: the clipboard holds text, not a Tensorloom graph.').waitFor();
    expect((await graphOf(second)).nodes).toEqual([]);
  });

  it('pastes a whole graph file into an empty canvas, dataset and training included', async () => {
    const page = await openPage();
    await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(GRAPH, null, 2));
    await page.mouse.click(640, 420);
    await page.keyboard.press('Control+V');
    await poll(() => graphOf(page)).toEqual(GRAPH);
    await page.getByTestId('node-loss').waitFor();
  });

  let link = '';

  it('copies a share link that opens the graph in another window', async () => {
    await first.keyboard.press('Escape');
    await first.keyboard.press('Control+K');
    await first.getByTestId('command-palette').locator('input').fill('copy share link');
    await first.keyboard.press('Enter');
    const dialog = first.getByTestId('share-link-dialog');
    await dialog.waitFor();
    link = await first.getByTestId('share-link-text').inputValue();
    expect(link).toMatch(new RegExp(`^${served.url.replace(/[/.]/g, '\\$&')}/?#graph=tl1\\.[A-Za-z0-9_-]+$`));
    await poll(() => first.getByTestId('share-link-status').textContent()).toMatch(/Copied to the clipboard/);
    expect(await first.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await screenshot(first, 'share-link-dialog');
    await first.keyboard.press('Escape');

    const opened = await openPage(link);
    await poll(() => graphOf(opened)).toEqual(GRAPH);
    expect(await fileOf(opened)).toEqual({ path: null, name: 'spiral-workshop.loom.json' });
    // Opened like a template: no unsaved mark until it is edited.
    expect(await opened.getByTestId('dirty-mark').count()).toBe(0);
    await opened.getByTestId('node-loss').waitFor();
    await screenshot(opened, 'share-link-opened');
  });

  it('names what is wrong with a damaged link, and opens the link pasted again', async () => {
    const at = link.length - 12;
    const damaged = link.slice(0, at) + (link[at] === 'A' ? 'B' : 'A') + link.slice(at + 1);
    await forgetAutosaves();
    const page = await openPage(damaged);
    const error = page.getByTestId('share-open-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^Could not open the shared graph: the share string is damaged/);
    expect((await graphOf(page)).nodes).toEqual([]);
    await screenshot(page, 'share-link-damaged');
    // The desktop app has no address bar: the Open dialog takes the link's #graph= part.
    await page.getByTestId('share-open-text').fill(link.slice(link.indexOf('#')));
    await page.getByTestId('share-open-confirm').click();
    await poll(() => graphOf(page)).toEqual(GRAPH);
  });

  // Last of the tests that open pages: its unsaved edit is autosaved, and a page opened
  // after it on the same server would first be offered that recovery.
  it('shares from the top bar’s Share button, which stays on one row beside a long file name', async () => {
    await forgetAutosaves();
    const page = await openPage();
    const longName = 'spiral-workshop-for-the-tuesday-group-with-a-rather-long-file-name-v2.loom.json';
    await page.evaluate(([g, name]) => (window as any).tensorloom_app.doc.load(g, { path: null, name }), [GRAPH, longName] as const);
    await page.getByTestId('node-loss').waitFor();
    await page.getByTestId('share-button').click();
    await page.getByTestId('share-link-dialog').waitFor();
    const shared = await page.getByTestId('share-link-text').inputValue();
    expect(shared).toMatch(/#graph=tl1\.[A-Za-z0-9_-]+$/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shared);
    const opened = await openPage(shared);
    await poll(() => graphOf(opened)).toEqual(GRAPH);
    await page.keyboard.press('Escape');

    await page.getByTestId('node-hidden').locator('.loom-node__header').click();
    await page.keyboard.press('Delete'); // an unsaved edit: the dirty mark takes room too
    await page.getByTestId('dirty-mark').waitFor();
    // Every button of the bar on one row, each one line of text high; the name gives way.
    const boxes = await page.locator('header.topbar button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes.length).toBeGreaterThan(10);
    const middles = boxes.map((b) => Math.round(b.top + b.height / 2));
    expect(Math.max(...middles) - Math.min(...middles)).toBeLessThanOrEqual(1);
    expect(Math.max(...boxes.map((b) => b.height))).toBeLessThan(36);
    expect(Math.max(...boxes.map((b) => b.right))).toBeLessThanOrEqual(1280);
    expect((await page.locator('header.topbar').boundingBox())!.height).toBeLessThan(52);
    const name = page.locator('.topbar__file-name');
    expect(await name.textContent()).toBe(longName);
    expect(await name.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true); // cut with an ellipsis
    expect(await page.getByTestId('dirty-mark').isVisible()).toBe(true);
    await screenshot(page, 'share-topbar-long-name');
  });

  it('saves the generated PyTorch code with Save as', async () => {
    await first.getByTestId('code-toggle').click();
    await first.getByTestId('tab-pytorch').click();
    const save = first.getByTestId('export-save-pytorch');
    await poll(() => save.isEnabled(), 20_000).toBe(true);
    const [download] = await Promise.all([first.waitForEvent('download'), save.click()]);
    expect(download.suggestedFilename()).toMatch(/\.py$/);
    const code = readFileSync(await download.path(), 'utf8');
    expect(code).toMatch(/import torch/);
    expect(code).toMatch(/nn\.Linear\(2, 24\)/);
  });

  it('raised no error in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
