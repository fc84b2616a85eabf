import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Graph } from '../engine/graph/schema.js';
import { buildRendererIfStale, CHROMIUM, CHROMIUM_ARGS, requireChromium, spawnServe } from '../test/e2e/harness.js';
import { installProbe } from './browserProbe.js';

/**
 * Headless Chromium must not throttle timers or animation frames of a page it thinks
 * is in the background, or the frame counts measure the throttling.
 */
export const BENCH_CHROMIUM_ARGS = [...CHROMIUM_ARGS, '--disable-renderer-backgrounding', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows'];

export interface BenchSession {
  page: Page;
  browser: Browser;
  stop(): Promise<void>;
}

/**
 * `tensorloom serve` on a temporary workspace holding `files` (name → graph), and a
 * 1440×900 Chromium page on it with the probe installed, once the palette shows.
 */
export async function openBenchSession(files: Record<string, Graph>): Promise<BenchSession> {
  buildRendererIfStale();
  requireChromium();
  const root = mkdtempSync(join(tmpdir(), 'tensorloom-bench-'));
  const workspace = join(root, 'workspace');
  const home = join(root, 'home');
  mkdirSync(workspace);
  mkdirSync(home);
  for (const [name, graph] of Object.entries(files)) writeFileSync(join(workspace, name), `${JSON.stringify(graph, null, 2)}\n`);
  let child: ChildProcess | null = null;
  let browser: Browser | null = null;
  const stop = async () => {
    await browser?.close().catch(() => {});
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const served = await spawnServe(workspace, home);
    child = served.child;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BENCH_CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // tsx keeps function names with a helper the page does not have.
    await page.addInitScript('globalThis.__name = (f) => f;');
    await page.addInitScript(installProbe);
    await page.goto(served.url);
    await page.getByTestId('palette-item-Input').waitFor({ timeout: 60_000 });
    return { page, browser, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Opens a workspace file through File → Open, as a user does. */
export async function openWorkspaceFile(page: Page, name: string): Promise<void> {
  await page.getByTestId('action-file.open').click();
  // The benchmarks edited the open graph: discard those edits when asked.
  const list = page.getByTestId('file-list');
  const confirm = page.getByTestId('confirm-ok');
  await list.or(confirm).first().waitFor({ timeout: 30_000 });
  if (await confirm.isVisible()) await confirm.click();
  await page.getByTestId(`file-${name}`).click();
  await page.waitForFunction((n) => document.querySelector('[data-testid="file-name"]')?.textContent === n, name, { timeout: 30_000 });
}

/** What the machine is: cores, and whether Chromium composites on a GPU. */
export async function describeMachine(page: Page): Promise<string> {
  const { cores, renderer } = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    return { cores: navigator.hardwareConcurrency, renderer: gl ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : 'no WebGL' };
  });
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  return `${cores} cores (load average ${load}), ${renderer}, Chromium ${page.context().browser()?.version() ?? '?'} headless`;
}

export const median = (xs: number[]) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const percentile = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

/** Frames per second and the longest frame of a list of rAF timestamps. */
export function frameStats(frames: number[]): { fps: number; worstMs: number; p95Ms: number; over50: number } {
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  const span = frames.length > 1 ? frames[frames.length - 1] - frames[0] : NaN;
  return { fps: ((frames.length - 1) / span) * 1000, worstMs: Math.max(0, ...gaps), p95Ms: percentile(gaps, 95), over50: gaps.filter((g) => g > 50).length };
}
