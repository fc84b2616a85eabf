import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrainEvent } from '../train/events.js';
import { StepThrottle } from './throttle.js';

const step = (n: number): TrainEvent => ({ event: 'step', step: n, epoch: 1, loss: 1 / n, metrics: {}, elapsedMs: n, etaMs: 0 });
const epoch: TrainEvent = { event: 'epoch', epoch: 1, step: 1000, train: { loss: 0.5 }, test: { loss: 0.6 }, elapsedMs: 1000 };

afterEach(() => vi.useRealTimers());

describe('StepThrottle', () => {
  it('passes at most 20 steps per second per run, and always the last one', () => {
    let now = 0;
    const sent: [string, TrainEvent][] = [];
    const throttle = new StepThrottle((runId, e) => sent.push([runId, e]), 20, () => now);
    // 1000 steps over one second, 1 ms apart, in two runs.
    for (let i = 1; i <= 1000; i++) {
      now = i;
      throttle.push('a', step(i));
      throttle.push('b', step(i));
    }
    throttle.push('a', epoch);
    const aSteps = sent.filter(([r, e]) => r === 'a' && e.event === 'step').map(([, e]) => (e as { step: number }).step);
    expect(aSteps.length).toBeGreaterThanOrEqual(19);
    expect(aSteps.length).toBeLessThanOrEqual(21);
    // Before the epoch event goes out, the held-back last step does.
    expect(aSteps.at(-1)).toBe(1000);
    expect(sent.at(-1)).toEqual(['a', epoch]);
    expect(sent.at(-2)).toEqual(['a', step(1000)]);
    // Run b has its own budget, and its last step is still held.
    expect(sent.filter(([r]) => r === 'b').length).toBe(aSteps.length - 1);
    throttle.flush('b');
    expect(sent.at(-1)).toEqual(['b', step(1000)]);
    throttle.dispose();
  });

  it('sends a held-back step once the interval has passed even if no event follows', () => {
    vi.useFakeTimers();
    const sent: TrainEvent[] = [];
    const throttle = new StepThrottle((_r, e) => sent.push(e), 20);
    throttle.push('a', step(1));
    throttle.push('a', step(2));
    expect(sent).toEqual([step(1)]);
    vi.advanceTimersByTime(60);
    expect(sent).toEqual([step(1), step(2)]);
    throttle.dispose();
  });
});
