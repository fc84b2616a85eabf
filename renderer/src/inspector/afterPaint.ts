/**
 * Runs the latest scheduled edit once the browser has painted the current frame (or
 * after `fallbackMs`, for a window that paints no frames). A keystroke in a field then
 * only re-renders the field before it paints; the document edit, and with it the canvas
 * and everything else that follows the document, comes right after. Several keystrokes
 * within one frame make one edit, with the latest value.
 */
export interface AfterPaint {
  schedule(edit: () => void): void;
  /** Runs the pending edit now (the field lost focus, Enter, unmount). */
  flush(): void;
}

export function createAfterPaint(fallbackMs = 100): AfterPaint {
  let pending: (() => void) | null = null;
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const clear = () => {
    if (frame !== null) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = timer = null;
  };
  const run = () => {
    clear();
    const edit = pending;
    pending = null;
    edit?.();
  };
  return {
    schedule(edit) {
      pending = edit;
      if (timer !== null) return;
      timer = setTimeout(run, fallbackMs);
      // rAF callbacks run before the paint; a task posted from one runs after it (a
      // message rather than a timer: no clamping, and in order with other messages).
      if (typeof requestAnimationFrame === 'function' && typeof MessageChannel === 'function') {
        frame = requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            channel.port1.close();
            run();
          };
          channel.port2.postMessage(null);
        });
      }
    },
    flush: run,
  };
}
