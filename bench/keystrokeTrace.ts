import { writeFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';

/**
 * Keystrokes measured by Chromium itself, from a performance trace (the DevTools
 * Performance panel's data): for each key, its Event Timing entries (keydown, keypress,
 * beforeinput, input) give the event's timestamp, when its handlers ran, when the frame
 * that shows it was committed and when that frame was presented; the main thread's
 * tasks give how busy the page was in between. Unlike timestamps taken in the page, this
 * does not depend on when a message posted after the frame happens to be delivered.
 */
export interface KeystrokeTiming {
  /** Key event → the frame showing it presented (Event Timing's duration, unrounded), ms. */
  presentedMs: number;
  /**
   * Main-thread work for the key: waiting for earlier tasks (input delay), handling it,
   * and every task up to the commit of the frame that shows it, without the idle wait
   * for that frame to begin. Under 16 ms, typing never costs the display a frame.
   */
  workMs: number;
  /** Key event → its last handler done, ms. */
  handledMs: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

interface EventTimingData {
  type: string;
  timeStamp: number;
  duration: number;
  processingStart: number;
  processingEnd: number;
  commitFinishTime?: number;
}

const KEY_EVENTS = new Set(['keydown', 'keypress', 'beforeinput', 'input']);
const CATEGORIES = ['devtools.timeline', 'toplevel'].join(',');

/** Runs `during` under a trace of the page and returns one timing per keydown in it. */
export async function traceKeystrokes(page: Page, during: () => Promise<void>): Promise<KeystrokeTiming[]> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  try {
    await during();
  } finally {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
  }
  // TENSORLOOM_KEY_TRACE=file.json keeps the trace, to open in DevTools' Performance panel.
  const keep = process.env.TENSORLOOM_KEY_TRACE;
  if (keep) writeFileSync(keep, JSON.stringify({ traceEvents: events }));
  return keystrokeTimings(events);
}

/** The per-key timings of a trace's events (exported for reading saved traces). */
export function keystrokeTimings(events: TraceEvent[]): KeystrokeTiming[] {
  const timings = events.filter((e) => e.name === 'EventTiming' && e.ph === 'b' && e.args?.data && KEY_EVENTS.has(String(e.args.data.type)));
  if (!timings.length) return [];
  // Event Timing speaks performance.now() milliseconds; the trace, microseconds of its own clock.
  const first = timings[0];
  const offsetMs = first.ts / 1000 - (first.args!.data as unknown as EventTimingData).timeStamp;
  const busy = busyIntervals(events, first.pid, first.tid, offsetMs);
  const data = timings.map((e) => e.args!.data as unknown as EventTimingData).sort((a, b) => a.timeStamp - b.timeStamp);
  const keydowns = data.filter((d) => d.type === 'keydown');
  return keydowns.map((key, i) => {
    const next = keydowns[i + 1]?.timeStamp ?? Infinity;
    const group = data.filter((d) => d.timeStamp >= key.timeStamp && d.timeStamp < next);
    const handled = Math.max(...group.map((d) => d.processingEnd));
    const presented = Math.max(...group.map((d) => d.timeStamp + d.duration));
    // The commit that shows the key: the latest one its events name, not before handling.
    const commit = Math.max(handled, ...group.map((d) => d.commitFinishTime ?? 0));
    const inputDelay = Math.max(0, key.processingStart - key.timeStamp);
    return {
      presentedMs: presented - key.timeStamp,
      workMs: inputDelay + busyWithin(busy, key.processingStart, commit),
      handledMs: handled - key.timeStamp,
    };
  });
}

/** The page's main-thread task intervals (merged, in performance.now() ms). */
function busyIntervals(events: TraceEvent[], pid: number, tid: number, offsetMs: number): [number, number][] {
  const tasks = events
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && e.dur)
    .map((e): [number, number] => [e.ts / 1000 - offsetMs, (e.ts + e.dur!) / 1000 - offsetMs])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const t of tasks) {
    const last = merged[merged.length - 1];
    if (last && t[0] <= last[1]) last[1] = Math.max(last[1], t[1]);
    else merged.push([t[0], t[1]]);
  }
  return merged;
}

function busyWithin(busy: [number, number][], from: number, to: number): number {
  let total = 0;
  for (const [a, b] of busy) if (b > from && a < to) total += Math.min(b, to) - Math.max(a, from);
  return total;
}
