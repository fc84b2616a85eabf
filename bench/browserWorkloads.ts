import type { Locator, Page } from 'playwright-core';
import { frameStats, median, percentile } from './browserSession.js';
import { traceKeystrokes, type KeystrokeTiming } from './keystrokeTrace.js';

/* The in-page state the probe keeps (bench/browserProbe.ts). */
/* eslint-disable @typescript-eslint/no-explicit-any */

async function startRecording(page: Page): Promise<void> {
  await page.evaluate(() => {
    const b = (window as any).__bench;
    b.frames = [];
    b.loafs = [];
    b.chartDraws = new Map();
    b.recording = true;
  });
}

async function stopRecording(page: Page): Promise<{ frames: number[]; loafs: { duration: number; blocking: number; scripts: { invoker: string; source: string; duration: number }[] }[]; draws: number[] }> {
  return page.evaluate(() => {
    const b = (window as any).__bench;
    b.recording = false;
    return { frames: b.frames, loafs: b.loafs, draws: [...(b.chartDraws as Map<string, number>).values()] };
  });
}

/** The longest animation frames' scripts, for the report (what made the frames long). */
function topScripts(loafs: { scripts: { invoker: string; source: string; duration: number }[] }[], n = 3): string {
  const byScript = new Map<string, number>();
  for (const l of loafs) for (const s of l.scripts) byScript.set(`${s.invoker} ${s.source}`, (byScript.get(`${s.invoker} ${s.source}`) ?? 0) + s.duration);
  return [...byScript.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${Math.round(v)} ms`)
    .join('; ');
}

export interface DragResult {
  fps: number;
  worstMs: number;
  p95Ms: number;
  visibleNodes: number;
  renderedNodes: number;
  moves: number;
  longFrames: string;
}

/**
 * Drags one node of the open graph in circles for `ms` with a stream of mouse moves,
 * at a zoom where hundreds of nodes are on screen, counting frames in the page.
 */
export async function measureDrag(page: Page, ms = 2000, zoom = 0.3): Promise<DragResult> {
  await page.evaluate((z) => (window as any).tensorloom_app.flow.current.setViewport({ x: 20, y: 20, zoom: z }), zoom);
  await page.waitForTimeout(400);
  const pick = await page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
    const cx = canvas.left + canvas.width / 2;
    const cy = canvas.top + canvas.height / 2;
    let best: { id: string; x: number; y: number; d: number } | null = null;
    let visible = 0;
    const nodes = Array.from(document.querySelectorAll('.react-flow__node'));
    for (const el of nodes) {
      const r = el.getBoundingClientRect();
      if (r.right < canvas.left || r.left > canvas.right || r.bottom < canvas.top || r.top > canvas.bottom) continue;
      visible++;
      const header = el.querySelector('.loom-node__header')!.getBoundingClientRect();
      const x = header.left + header.width / 2;
      const y = header.top + header.height / 2;
      const d = Math.hypot(x - cx, y - cy);
      if (!best || d < best.d) best = { id: el.getAttribute('data-id')!, x, y, d };
    }
    return { ...best!, visible, rendered: nodes.length };
  });
  await page.mouse.move(pick.x, pick.y);
  await page.mouse.down();
  await page.mouse.move(pick.x + 5, pick.y + 5); // past the drag threshold
  await startRecording(page);
  const t0 = Date.now();
  let moves = 0;
  while (Date.now() - t0 < ms) {
    const a = ((Date.now() - t0) / 1000) * Math.PI * 2;
    await page.mouse.move(pick.x + 80 * Math.sin(a), pick.y + 60 * (1 - Math.cos(a)));
    moves++;
  }
  const rec = await stopRecording(page);
  await page.mouse.up();
  await page.waitForTimeout(300);
  const s = frameStats(rec.frames);
  return { ...s, visibleNodes: pick.visible, renderedNodes: pick.rendered, moves, longFrames: topScripts(rec.loafs) };
}

export interface TypingResult {
  /** Per keystroke, measured by Chromium's trace (bench/keystrokeTrace.ts). */
  keys: KeystrokeTiming[];
  longFrames: string;
}

/**
 * Types into a text field of the inspector, one key every `gapMs` as a quick typist
 * does, alternating a digit and Backspace so every keystroke is a valid edit, under a
 * Chromium performance trace that times each keystroke.
 */
export async function measureTyping(page: Page, nodeId: string, field: 'param-units' | 'label', keystrokes = 20, gapMs = 120): Promise<TypingResult> {
  await page.evaluate((id) => {
    const app = (window as any).tensorloom_app;
    app.view.setState({ selectedNodes: new Set([id]), selectedEdges: new Set(), rightTab: 'node' });
  }, nodeId);
  const input = field === 'label' ? page.getByTestId('inspector').locator('#node-label') : page.getByTestId('inspector').getByTestId(field);
  return typeInto(page, input, keystrokes, gapMs);
}

/**
 * The same typing into a bare text field laid over the page, which nothing listens to
 * but the app's shortcut handler: what Chromium itself needs for a keystroke with the
 * page as it stands (its layout, paint and compositor work for the canvas on screen).
 */
export async function measureBareTyping(page: Page, keystrokes = 20, gapMs = 120): Promise<TypingResult> {
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.id = 'bench-bare-input';
    input.style.cssText = 'position: fixed; top: 4px; left: 50%; z-index: 99; width: 120px';
    document.body.append(input);
  });
  try {
    return await typeInto(page, page.locator('#bench-bare-input'), keystrokes, gapMs);
  } finally {
    await page.evaluate(() => document.getElementById('bench-bare-input')?.remove());
  }
}

async function typeInto(page: Page, input: Locator, keystrokes: number, gapMs: number): Promise<TypingResult> {
  await input.waitFor();
  await input.click();
  await page.keyboard.press('End');
  await page.waitForTimeout(300);
  await startRecording(page);
  const keys = await traceKeystrokes(page, async () => {
    for (let i = 0; i < keystrokes; i++) {
      await page.keyboard.press(i % 2 === 0 ? String((i / 2) % 10) : 'Backspace');
      await page.waitForTimeout(gapMs);
    }
    await page.waitForTimeout(300);
  });
  const rec = await stopRecording(page);
  await page.keyboard.press('Escape');
  await input.blur();
  return { keys, longFrames: topScripts(rec.loafs) };
}

export interface ChartResult {
  fps: number;
  worstMs: number;
  over50: number;
  /** Most redraws of one chart within one animation frame. */
  maxDrawsPerFrame: number;
  draws: number;
  delivered: number;
  longFrames: string;
}

/**
 * Live charts under `rate` step events per second for `ms`. The engine thins step pushes
 * to 20 a second (engine/service/throttle.ts), so the feed goes in at the WebSocket: a
 * real run is started and stopped (the trainer knows its id), then start, step, epoch
 * and done pushes for that run are dispatched on the app's socket as the server would
 * send them, and travel the real path (transport → client → trainer → charts).
 */
export async function measureCharts(page: Page, rate = 100, ms = 3000): Promise<ChartResult> {
  const run = await page.evaluate(() => {
    const s = (window as any).tensorloom_app.trainer.store.getState();
    return { runId: s.runId as string, step: s.step as number, stepsPerEpoch: s.stepsPerEpoch as number, epoch: s.epoch as number };
  });
  await startRecording(page);
  const delivered = await page.evaluate(
    ({ run, rate, ms }) =>
      new Promise<number>((resolve) => {
        const b = (window as any).__bench;
        const socket: WebSocket = b.sockets.filter((s: WebSocket) => s.readyState === WebSocket.OPEN).at(-1);
        const push = (event: unknown) => socket.dispatchEvent(new MessageEvent('message', { data: JSON.stringify({ type: 'train', runId: run.runId, event }) }));
        const total = Math.round((rate * ms) / 1000);
        const perEpoch = Math.max(10, run.stepsPerEpoch);
        const epochs = run.epoch + Math.ceil(total / perEpoch) + 1;
        push({ event: 'start', backend: 'bench', parameters: 0, epochs, stepsPerEpoch: perEpoch, totalSteps: epochs * perEpoch, fromStep: run.step });
        const t0 = performance.now();
        let sent = 0;
        let step = run.step;
        let epoch = run.epoch;
        const loss = (k: number) => 0.7 * Math.exp(-k / 400) + 0.05 + 0.03 * Math.sin(k * 1.7);
        const next = () => {
          // Catch up on the events due by now, as a socket delivers what queued up.
          const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
          while (sent < due) {
            step++;
            sent++;
            push({ event: 'step', step, epoch, loss: loss(step), metrics: { loss: loss(step), accuracy: 1 - loss(step) / 2 }, elapsedMs: performance.now() - t0, etaMs: 1000 });
            if (step % perEpoch === 0) {
              epoch++;
              push({ event: 'epoch', epoch, step, train: { loss: loss(step), accuracy: 1 - loss(step) / 2 }, test: { loss: loss(step) * 1.1, accuracy: 1 - loss(step) / 1.8 }, elapsedMs: performance.now() - t0 });
            }
          }
          if (sent < total) setTimeout(next, 1000 / rate);
          else {
            push({ event: 'done', backend: 'bench', stopped: true, steps: step, elapsedMs: performance.now() - t0, metrics: { trainLoss: loss(step), testLoss: loss(step) } });
            resolve(sent);
          }
        };
        next();
      }),
    { run, rate, ms },
  );
  await page.waitForTimeout(200);
  const rec = await stopRecording(page);
  const s = frameStats(rec.frames);
  return { fps: s.fps, worstMs: s.worstMs, over50: s.over50, maxDrawsPerFrame: Math.max(0, ...rec.draws), draws: rec.draws.reduce((a, b) => a + b, 0), delivered, longFrames: topScripts(rec.loafs) };
}

export interface FirstStepResult {
  /** Click on Train → the progress shows step 1 or later, in ms. */
  ms: number;
  /** Where the time went, from the page's side. */
  breakdown: string;
}

/** Presses Train on the open graph and times the first step showing in the UI. */
export async function measureFirstStep(page: Page): Promise<FirstStepResult> {
  await page.getByTestId('tab-train').click();
  await page.evaluate(() => {
    const b = (window as any).__bench;
    b.trainLog = [];
    b.firstStepShown = 0;
    b.trainClicked = 0;
    b.watchProgress = true;
  });
  await page.getByTestId('train-button').click();
  await page.waitForFunction(() => (window as any).__bench.firstStepShown > 0, undefined, { timeout: 60_000, polling: 50 });
  const r = await page.evaluate(() => {
    const b = (window as any).__bench;
    b.watchProgress = false;
    return { clicked: b.trainClicked as number, shown: b.firstStepShown as number, log: b.trainLog as { t: number; what: string }[] };
  });
  await page.getByTestId('stop-button').click();
  await page.waitForFunction(() => /Stopped|Done|Failed/.test(document.querySelector('[data-testid="run-status"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
  const seen = new Set<string>();
  const breakdown = r.log
    .filter((l) => !seen.has(l.what) && (seen.add(l.what), true))
    .map((l) => `${l.what} +${Math.round(l.t - r.clicked)}`)
    .join(', ');
  return { ms: r.shown - r.clicked, breakdown: `${breakdown}, shown +${Math.round(r.shown - r.clicked)} ms` };
}

export { median, percentile };
