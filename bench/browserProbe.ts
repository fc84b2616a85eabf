/**
 * Instruments installed in the page before the app's own code runs (Playwright's
 * addInitScript), so the browser benchmarks measure from inside Chromium:
 *
 * - a requestAnimationFrame recorder (frame timestamps while a workload runs);
 * - long animation frames (LoAF) with the scripts that made them long;
 * - chart redraws per animation frame (uPlot clears its canvas once per draw);
 * - the engine's WebSocket: captured so the chart workload can feed pushes into it as
 *   if the server sent them, and timestamps of the training messages it carries.
 *
 * The function is serialised into the page: it may only use browser globals.
 */
export function installProbe(): void {
  const w = window as unknown as Record<string, unknown>;
  const probe = {
    frames: [] as number[],
    recording: false,
    frameNo: 0,
    loafs: [] as { start: number; duration: number; blocking: number; scripts: { invoker: string; source: string; duration: number }[] }[],
    chartDraws: new Map<string, number>(),
    sockets: [] as WebSocket[],
    trainLog: [] as { t: number; what: string }[],
    watchProgress: false,
    firstStepShown: 0,
    trainClicked: 0,
  };
  w.__bench = probe;

  const tick = (t: number) => {
    probe.frameNo++;
    if (probe.recording) probe.frames.push(t);
    if (probe.watchProgress && probe.trainClicked && !probe.firstStepShown) {
      // The progress of the new run: the old one's stays on screen until the click renders.
      const text = document.querySelector('[data-testid="progress"][data-status="running"]')?.textContent ?? '';
      const m = /step (\d+)\//.exec(text);
      if (m && Number(m[1]) >= 1) probe.firstStepShown = performance.now();
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);

  window.addEventListener('click', (e) => {
    if ((e.target as Element | null)?.closest?.('[data-testid="train-button"]')) probe.trainClicked = performance.now();
  }, true);

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { blockingDuration: number; scripts: { invoker: string; sourceURL: string; sourceFunctionName: string; duration: number }[] })[]) {
        if (!probe.recording) continue;
        probe.loafs.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          scripts: (e.scripts ?? []).map((s) => ({ invoker: s.invoker, source: `${s.sourceFunctionName}@${s.sourceURL.split('/').pop()}`, duration: s.duration })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: false });
  } catch {
    /* no LoAF */
  }

  // uPlot clears its canvas once per redraw: count redraws of chart canvases per frame.
  const clearRect = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function (this: CanvasRenderingContext2D, ...args: [number, number, number, number]) {
    const chart = probe.recording ? this.canvas.closest?.('.metric-chart') : null;
    if (chart) {
      const key = `${probe.frameNo}:${chart.className}`;
      probe.chartDraws.set(key, (probe.chartDraws.get(key) ?? 0) + 1);
    }
    return clearRect.apply(this, args);
  };

  // The engine's socket: kept for injected pushes; training messages are timestamped.
  const Native = window.WebSocket;
  class Watched extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      probe.sockets.push(this);
      this.addEventListener('message', (e) => {
        const text = String(e.data);
        if (!text.includes('"train"') && !text.includes('runId')) return;
        const ev = /"event":"(\w+)"/.exec(text)?.[1];
        if (ev && (ev !== 'step' || !probe.trainLog.some((l) => l.what === 'push step'))) probe.trainLog.push({ t: performance.now(), what: `push ${ev}` });
        else if (!ev && /"runId"/.test(text) && !probe.trainLog.some((l) => l.what === 'reply runId')) probe.trainLog.push({ t: performance.now(), what: 'reply runId' });
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string' && data.includes('"train.start"')) probe.trainLog.push({ t: performance.now(), what: 'send train.start' });
      super.send(data);
    }
  }
  window.WebSocket = Watched as unknown as typeof WebSocket;
}
