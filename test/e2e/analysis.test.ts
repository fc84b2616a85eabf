import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { closeApp, openApp, poll, screenshot, type Served } from './harness.js';

/**
 * The analysis panels in Debian's Chromium against `tensorloom serve`: a network as a
 * decision tree (exact and C-Net), and the loss landscape of the same network trained
 * with SGD and with SAM. The tests run in order and build on each other's runs.
 */
let served: Served;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  ({ served, browser, page, pageErrors } = await openApp());
}, 120_000);

afterAll(() => closeApp({ served, browser }));

async function openTemplate(name: string): Promise<void> {
  await page.getByTestId('templates-button').click();
  await page.getByTestId(`template-${name}`).click();
  // The trained document has unsaved settings: discard them.
  const confirm = page.getByTestId('confirm-dialog');
  if (await confirm.waitFor({ timeout: 2000 }).then(() => true, () => false)) await page.getByTestId('confirm-ok').click();
  await poll(() => page.getByTestId('file-name').textContent()).toBe(`${name}.loom.json`);
}

async function train(epochs: number, sam: boolean): Promise<void> {
  await page.getByTestId('tab-train').click();
  const field = page.getByTestId('train-epochs');
  await field.fill(String(epochs));
  await field.press('Enter');
  const samBox = page.getByTestId('train-sam');
  if ((await samBox.isChecked()) !== sam) await samBox.click();
  await page.getByTestId('train-button').click();
  await poll(() => page.getByTestId('run-status').textContent(), 90_000).toBe('Done');
}

async function setTheme(theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => (window as any).tensorloom_app.view.setState({ theme: t }), theme);
  await poll(() => page.locator('html').getAttribute('data-theme')).toBe(theme);
  await page.waitForTimeout(150); // canvases redraw in the new colours
}

describe('analysis panels', () => {
  it('shows the decision-trees network as an exact tree: fidelity 100 %, a diagram, regions over the data, rules', async () => {
    await openTemplate('decision-trees');
    await train(30, false);
    await page.getByTestId('analysis-tab').click();
    const panel = page.getByTestId('tree-panel');
    await panel.waitFor();
    const fidelity = page.getByTestId('tree-fidelity');
    await poll(() => fidelity.getAttribute('data-value'), 30_000).toBe('1');
    expect(await fidelity.textContent()).toBe('100 %');
    expect(Number(await page.getByTestId('tree-size').getAttribute('data-value'))).toBeGreaterThan(3);
    const rules = page.getByTestId('tree-rules');
    expect(Number(await rules.getAttribute('data-count'))).toBeGreaterThan(1);
    expect(await rules.textContent()).toMatch(/^1\. IF .*x1.*\n/);
    // The diagram draws tests and leaves; clicking a leaf picks its region on the plane.
    const diagram = page.getByTestId('tree-diagram');
    expect(Number(await diagram.getAttribute('data-nodes'))).toBeGreaterThan(3);
    const regions = page.getByTestId('tree-regions');
    expect(Number(await regions.getAttribute('data-regions'))).toBeGreaterThan(1);
    // The panel may re-render with a rebuilt tree (which clears the selection) while the
    // machine is busy; click again until the caption names the leaf.
    const leaf = diagram.locator('[data-leaf]').first();
    const caption = page.locator('.tree-plane figcaption');
    await leaf.click();
    await poll(async () => {
      const text = (await caption.textContent()) ?? '';
      const selected = ((await leaf.getAttribute('class')) ?? '').includes('is-selected');
      if (!/^Leaf \d+:/.test(text) && !selected) await leaf.click();
      return text;
    }).toMatch(/^Leaf \d+:/);
    await page.getByTestId('analysis-panel').evaluate((el) => el.closest('.right-panel__body')!.scrollTo({ top: 0 }));
    await screenshot(page, 'tree-panel');
    await regions.scrollIntoViewIfNeeded();
    await screenshot(page, 'tree-regions');
    await setTheme('dark');
    await screenshot(page, 'tree-regions-dark');
    await page.getByTestId('analysis-panel').evaluate((el) => el.closest('.right-panel__body')!.scrollTo({ top: 0 }));
    await screenshot(page, 'tree-panel-dark');
    await setTheme('light');
  });

  it('warns that the exact tree grows exponentially when the node limit cuts it, and builds it whole once raised', async () => {
    const limit = page.getByTestId('tree-limit');
    await limit.fill('9');
    await limit.press('Enter');
    await page.getByTestId('tree-warning').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('tree-warning').textContent()).toMatch(/node limit of 9.*exponentially/);
    await page.getByTestId('tree-raise-limit').click(); // to 36
    await poll(() => limit.inputValue()).toBe('36');
    await limit.fill('5000');
    await limit.press('Enter');
    await poll(() => page.getByTestId('tree-warning').count(), 30_000).toBe(0);
    await poll(() => page.getByTestId('tree-fidelity').getAttribute('data-value')).toBe('1');
  });

  it('switches to C-Net: a smaller tree with its fidelity and accuracy', async () => {
    const exactSize = Number(await page.getByTestId('tree-size').getAttribute('data-value'));
    await page.getByTestId('tree-method-cnet').click();
    await poll(async () => (await page.locator('.metric', { has: page.getByTestId('tree-fidelity') }).textContent()) ?? '', 30_000).toContain('test samples');
    const fidelity = Number(await page.getByTestId('tree-fidelity').getAttribute('data-value'));
    expect(fidelity).toBeGreaterThan(0.9);
    expect(fidelity).toBeLessThanOrEqual(1);
    expect(Number(await page.getByTestId('tree-size').getAttribute('data-value'))).toBeLessThan(exactSize);
    expect(Number(await page.getByTestId('tree-accuracy').getAttribute('data-value'))).toBeGreaterThan(0.9);
    expect(await page.getByTestId('tree-rules').textContent()).toContain('IF');
    await screenshot(page, 'tree-panel-cnet');
  });

  it('draws the landscape of an SGD run and a SAM run, with sharpness beside it: SAM\'s minimum is flatter', async () => {
    await openTemplate('sam');
    await train(100, false);
    await train(100, true);
    await page.getByTestId('analysis-tab').click();
    await page.getByTestId('analysis-view-landscape').click();
    const panel = page.getByTestId('landscape-panel');
    await panel.waitFor();
    await page.getByTestId('landscape-compute').click();
    await page.getByTestId('landscape-heatmap').waitFor({ timeout: 60_000 });
    await page.getByTestId('landscape-surface').waitFor();
    const sharpness = page.getByTestId('sharpness');
    const first = Number(await sharpness.getAttribute('data-first-order'));
    const ascent = Number(await sharpness.getAttribute('data-ascent'));
    expect(first).toBeGreaterThan(0);
    expect(ascent).toBeGreaterThanOrEqual(first);
    // The map's centre is the loss at the trained weights, not above the map's lowest point.
    expect(Number(await page.getByTestId('landscape-heatmap').getAttribute('data-center'))).toBeGreaterThanOrEqual(Number(await page.getByTestId('landscape-heatmap').getAttribute('data-min')));

    // The surface turns with the mouse.
    const surface = page.getByTestId('landscape-surface');
    const yaw = await surface.getAttribute('data-yaw');
    const box = (await surface.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 10, { steps: 6 });
    await page.mouse.up();
    await poll(() => surface.getAttribute('data-yaw')).not.toBe(yaw);
    await surface.dblclick(); // back to the default view
    await poll(() => surface.getAttribute('data-yaw')).toBe(yaw);

    // SGD against SAM, on the same seeded direction.
    await poll(async () => (await page.getByTestId('compare-run-a').locator('option:checked').textContent()) ?? '').toMatch(/SGD$/);
    expect(await page.getByTestId('compare-run-b').locator('option:checked').textContent()).toMatch(/SGD \+ SAM ρ 0\.05/);
    await page.getByTestId('compare-button').click();
    const rows = page.getByTestId('compare-sharpness').locator('tbody tr');
    await poll(() => rows.count(), 60_000).toBe(2);
    expect(Number(await page.getByTestId('landscape-compare').getAttribute('data-series'))).toBe(2);
    const [sgd, sam] = await rows.evaluateAll((trs) => trs.map((tr) => ({ first: Number(tr.getAttribute('data-first-order')), ascent: Number(tr.getAttribute('data-ascent')) })));
    expect(sam.ascent).toBeLessThan(sgd.ascent);
    expect(sam.first).toBeLessThan(sgd.first);

    await page.getByTestId('analysis-panel').evaluate((el) => el.closest('.right-panel__body')!.scrollTo({ top: 0 }));
    await screenshot(page, 'landscape-panel');
    await page.getByTestId('landscape-compare').scrollIntoViewIfNeeded();
    await screenshot(page, 'landscape-compare');
    await setTheme('dark');
    await page.getByTestId('analysis-panel').evaluate((el) => el.closest('.right-panel__body')!.scrollTo({ top: 0 }));
    await screenshot(page, 'landscape-panel-dark');
    await setTheme('light');
  });

  it('shows progress while a long landscape computes, and stops it on Cancel', async () => {
    await page.getByTestId('analysis-panel').evaluate((el) => el.closest('.right-panel__body')!.scrollTo({ top: 0 }));
    const grid = page.getByTestId('landscape-grid');
    await grid.fill('101');
    await page.getByTestId('landscape-compute').click();
    const progress = page.getByTestId('analysis-progress');
    await progress.waitFor();
    await poll(async () => Number((await progress.getAttribute('data-fraction')) || 0), 30_000).toBeGreaterThan(0);
    await screenshot(page, 'landscape-progress');
    await page.getByTestId('analysis-cancel').click();
    await progress.waitFor({ state: 'detached', timeout: 15_000 });
    await poll(() => page.getByTestId('landscape-panel').textContent()).toContain('Cancelled');
    // The earlier result stays, and the engine is free for the next computation.
    await grid.fill('5');
    await page.getByTestId('landscape-compute').click();
    await poll(() => page.getByTestId('landscape-heatmap').getAttribute('data-grid'), 30_000).toBe('5');
    expect(await page.getByTestId('landscape-panel').textContent()).not.toContain('Cancelled');
  });

  it('plots the landscape along the training path, with the path drawn on it', async () => {
    await page.getByTestId('landscape-trajectory').click();
    await page.getByTestId('landscape-grid').fill('15');
    await page.getByTestId('landscape-compute').click();
    await poll(() => page.getByTestId('landscape-heatmap').getAttribute('data-grid'), 30_000).toBe('15');
    expect(await page.getByTestId('landscape-heatmap').getAttribute('data-path')).toMatch(/^[3-9]|1[0-3]$/);
    await page.getByTestId('analysis-panel').evaluate((el) => el.closest('.right-panel__body')!.scrollTo({ top: 0 }));
    await screenshot(page, 'landscape-trajectory');
    expect(pageErrors).toEqual([]);
  });
});
