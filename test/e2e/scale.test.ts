import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Graph } from '../../engine/graph/schema.js';
import { largeGraph } from '../../bench/largeGraph.js';
import { closeApp, openApp, poll, screenshot, type OpenApp } from './harness.js';

/**
 * The canvas on a 1,000-node graph, in Debian's Chromium: the minimap starts off (and
 * says why), and zoomed out the nodes lose their small text until one zooms back in.
 * The tests run in order: a small graph first, as the minimap choice made later sticks.
 */
let app: OpenApp;
let page: Page;
const large = largeGraph(1000);
const small = largeGraph(12);

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  const files: Record<string, Graph> = { 'large.loom.json': large, 'small.loom.json': small };
  for (const [name, graph] of Object.entries(files)) writeFileSync(join(app.served.workspace, name), `${JSON.stringify(graph, null, 2)}\n`);
}, 120_000);

afterAll(() => closeApp(app));

async function open(name: string, nodes: number): Promise<void> {
  await page.getByTestId('action-file.open').click();
  await page.getByTestId(`file-${name}`).click();
  await poll(() => page.getByTestId('file-name').textContent()).toBe(name);
  await poll(() => page.evaluate(() => (window as any).tensorloom_app.doc.get().graph.nodes.length)).toBe(nodes); // eslint-disable-line @typescript-eslint/no-explicit-any
  await page.getByTestId('node-in').waitFor();
}

const minimaps = () => page.locator('.react-flow__minimap').count();
const toggle = () => page.getByTestId('minimap-toggle');
const detail = () => page.getByTestId('canvas').getAttribute('data-detail');
const zoom = () => page.evaluate(() => (window as any).tensorloom_app.flow.current.getZoom() as number); // eslint-disable-line @typescript-eslint/no-explicit-any
// The Input node's ports are named x and y: port names it shows or not.
const inputPortNames = () => page.getByTestId('node-in').locator('.port__name');

/** Where on screen the middle of the `index`th edge drawn on the zoomed-out edge sheet is. */
function edgeMidpoint(index: number): Promise<{ id: string; x: number; y: number }> {
  return page.evaluate((i) => {
    const edge = document.querySelectorAll<SVGGElement>('.edge-sheet .sheet-edge')[i];
    const path = edge.querySelector<SVGPathElement>('path.edge-path')!;
    const p = path.getPointAtLength(path.getTotalLength() / 2);
    const m = path.getScreenCTM()!;
    return { id: edge.dataset.edge!, x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
  }, index);
}

/** Clicks a zoom button of the canvas controls until the canvas shows the wanted detail. */
async function zoomUntil(button: 'zoomin' | 'zoomout', wanted: 'low' | 'full'): Promise<void> {
  for (let i = 0; i < 12 && (await detail()) !== wanted; i++) {
    await page.locator(`.react-flow__controls-${button}`).click();
    await page.waitForTimeout(150);
  }
  await poll(detail).toBe(wanted);
}

describe('the canvas on a large graph', () => {
  it('shows the minimap and no note on a small graph', async () => {
    await open('small.loom.json', small.nodes.length);
    await poll(minimaps).toBe(1);
    expect(await toggle().getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('minimap-off').count()).toBe(0);
    expect(await page.getByTestId('detail-hint').count()).toBe(0);
    expect(await detail()).toBe('full');
  });

  it('turns the minimap off above 300 nodes and says so; the toggle shows it and hides it again', async () => {
    await open('large.loom.json', large.nodes.length);
    await poll(minimaps).toBe(0);
    const note = page.getByTestId('minimap-off');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^Minimap off above 300 nodes \(it slows dragging\)\s*Show$/);
    expect(await toggle().getAttribute('aria-pressed')).toBe('false');
    expect(await toggle().getAttribute('title')).toContain('off for graphs of more than 300 nodes');

    await toggle().click();
    await poll(minimaps).toBe(1);
    expect(await toggle().getAttribute('aria-pressed')).toBe('true');
    expect(await note.count()).toBe(0); // chosen: nothing left to explain

    await toggle().click();
    await poll(minimaps).toBe(0);
    expect(await toggle().getAttribute('aria-pressed')).toBe('false');
  });

  it('hides port names below zoom 0.4 with a note, and shows them again when zoomed back in', async () => {
    expect(await detail()).toBe('full');
    expect(await inputPortNames().allTextContents()).toEqual(['x', 'y']);
    await poll(() => inputPortNames().first().isVisible()).toBe(true);
    const hint = page.getByTestId('detail-hint');
    expect(await hint.count()).toBe(0);
    const readable = await page.locator('.react-flow__node').count();

    await zoomUntil('zoomout', 'low');
    expect(await zoom()).toBeLessThan(0.4);
    await hint.waitFor();
    expect(await hint.textContent()).toBe('Zoomed out: zoom in to see ports, parameters and shapes');
    await poll(() => inputPortNames().first().isVisible()).toBe(false);
    expect(await inputPortNames().last().isVisible()).toBe(false);
    // More of the graph is on screen than at the readable zoom, all in less detail.
    // (Polled: the zoom animates, and React Flow renders what comes into view as it does.)
    await poll(() => page.locator('.react-flow__node').count()).toBeGreaterThan(readable);
    await page.waitForTimeout(300); // let the last frame paint before the picture
    await screenshot(page, 'large-graph-zoomed-out');

    // Edges draw into one <svg> and still answer the pointer: a click selects one.
    const rendered = await page.locator('.react-flow__edge').count();
    expect(rendered).toBeGreaterThan(0);
    expect(await page.locator('.edge-sheet .sheet-edge path.edge-path').count()).toBe(rendered);
    expect(await page.locator('.react-flow__edge path').count()).toBe(0);
    const mid = await edgeMidpoint(20);
    await page.mouse.click(mid.x, mid.y);
    await poll(() => page.evaluate(() => [...(window as any).tensorloom_app.view.getState().selectedEdges])).toEqual([mid.id]); // eslint-disable-line @typescript-eslint/no-explicit-any
    await poll(() => page.locator(`.edge-sheet .sheet-edge.is-selected[data-edge="${mid.id}"]`).count()).toBe(1);
    expect(await page.getByTestId('inspector').textContent()).toContain(mid.id);

    await zoomUntil('zoomin', 'full');
    expect(await zoom()).toBeGreaterThanOrEqual(0.4);
    await poll(() => hint.count()).toBe(0);
    await poll(() => inputPortNames().first().isVisible()).toBe(true);
    expect(await inputPortNames().last().isVisible()).toBe(true);
    // Back in React Flow's own edge wrappers, with their shape labels.
    await poll(() => page.locator('.edge-sheet').count()).toBe(0);
    await poll(() => page.locator('.react-flow__edge path.edge-path').first().isVisible()).toBe(true);
    await poll(() => page.getByTestId('edge-shape').first().isVisible()).toBe(true);
    expect(app.pageErrors).toEqual([]);
  });
});
