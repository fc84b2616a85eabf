import type { TrainEvent } from '../train/events.js';

/** Step pushes per second per run: enough for smooth charts, few enough for the UI. */
export const DEFAULT_STEP_RATE = 20;

/**
 * Thins a run's step events to at most `rate` per second. Every other event (start,
 * epoch, checkpoint, done, error) goes through at once, preceded by the latest step
 * held back, so the last step is always delivered and charts end where training did.
 *
 * The training loop may keep the event loop busy for a long time, so holding back
 * does not rely on timers firing: a held step is sent by the next event that finds
 * the interval passed; the timer only sends the last one of a burst.
 */
export class StepThrottle {
  private lastSent = new Map<string, number>();
  private held = new Map<string, TrainEvent>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly interval: number;

  constructor(
    private send: (runId: string, event: TrainEvent) => void,
    rate = DEFAULT_STEP_RATE,
    private now: () => number = Date.now,
  ) {
    this.interval = 1000 / rate;
  }

  push(runId: string, event: TrainEvent): void {
    if (event.event !== 'step') {
      this.flush(runId);
      this.send(runId, event);
      return;
    }
    const last = this.lastSent.get(runId);
    if (last === undefined || this.now() - last >= this.interval) {
      this.clearTimer(runId);
      this.held.delete(runId);
      this.emitStep(runId, event);
      return;
    }
    this.held.set(runId, event);
    if (!this.timers.has(runId)) {
      const timer = setTimeout(() => {
        this.timers.delete(runId);
        this.flush(runId);
      }, Math.max(0, last + this.interval - this.now()));
      timer.unref?.();
      this.timers.set(runId, timer);
    }
  }

  /** Sends the step held back for a run, if any. */
  flush(runId: string): void {
    this.clearTimer(runId);
    const held = this.held.get(runId);
    if (!held) return;
    this.held.delete(runId);
    this.emitStep(runId, held);
  }

  /** Forgets a run (after its done or error event). */
  forget(runId: string): void {
    this.flush(runId);
    this.lastSent.delete(runId);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.held.clear();
  }

  private emitStep(runId: string, event: TrainEvent): void {
    this.lastSent.set(runId, this.now());
    this.send(runId, event);
  }

  private clearTimer(runId: string): void {
    const t = this.timers.get(runId);
    if (t) clearTimeout(t);
    this.timers.delete(runId);
  }
}
