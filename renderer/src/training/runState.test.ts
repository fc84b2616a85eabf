import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../../engine/train/events.js';
import { applyTrainEvent, formatDuration, IDLE, RunSeries } from './runState.js';

const start: TrainEvent = { event: 'start', backend: 'wasm', parameters: 1234, epochs: 2, stepsPerEpoch: 2, totalSteps: 4, fromStep: 0 };
const step = (n: number, loss: number, accuracy: number): TrainEvent => ({ event: 'step', step: n, epoch: Math.ceil(n / 2), loss, metrics: { accuracy }, elapsedMs: n * 10, etaMs: (4 - n) * 10 });

describe('run state', () => {
  it('folds a run into curves on one step axis and a final summary', () => {
    const series = new RunSeries();
    let s = applyTrainEvent(IDLE, series, start);
    expect(s).toMatchObject({ status: 'running', backend: 'wasm', totalSteps: 4 });
    s = applyTrainEvent(s, series, step(1, 0.7, 0.5));
    s = applyTrainEvent(s, series, step(2, 0.6, 0.6));
    s = applyTrainEvent(s, series, { event: 'epoch', epoch: 1, step: 2, train: { loss: 0.65, accuracy: 0.55 }, test: { loss: 0.62, accuracy: 0.58 }, elapsedMs: 20 });
    expect(series.stepLoss).toEqual([0.7, 0.6]);
    expect(series.stepMetric).toEqual([0.5, 0.6]);
    expect(series.epochX).toEqual([2]);
    expect(series.testMetric).toEqual([0.58]);
    expect(s.metricName).toBe('accuracy');
    expect(s.etaMs).toBe(20);
    s = applyTrainEvent(s, series, { event: 'done', backend: 'wasm', stopped: false, steps: 4, elapsedMs: 40, metrics: { trainLoss: 0.1, trainAccuracy: 0.97, testLoss: 0.12, testAccuracy: 0.95 } });
    expect(s).toMatchObject({ status: 'done', lastTestMetric: 0.95, etaMs: null });
  });

  it('keeps the curves when a stopped run resumes, and clears them for a new run', () => {
    const series = new RunSeries();
    let s = applyTrainEvent(IDLE, series, start);
    s = applyTrainEvent(s, series, step(1, 0.7, 0.5));
    s = applyTrainEvent(s, series, { event: 'done', backend: 'wasm', stopped: true, steps: 1, elapsedMs: 10, metrics: { trainLoss: 0.7, testLoss: 0.7 } });
    expect(s.status).toBe('stopped');
    s = applyTrainEvent(s, series, { ...start, fromStep: 1 } as TrainEvent);
    expect(series.stepX).toEqual([1]);
    applyTrainEvent(s, series, start);
    expect(series.stepX).toEqual([]);
  });

  it('reports a regression metric when there is no accuracy', () => {
    const series = new RunSeries();
    const s = applyTrainEvent(applyTrainEvent(IDLE, series, start), series, { ...step(1, 2, 0), metrics: { mae: 0.4 } } as TrainEvent);
    expect(s.metricName).toBe('mae');
    expect(series.stepMetric).toEqual([0.4]);
  });

  it('keeps the error of a failed run with the node at fault', () => {
    const s = applyTrainEvent(IDLE, new RunSeries(), { event: 'error', code: 'nan', message: 'loss became NaN after node "h1"', nodeId: 'h1', step: 7 });
    expect(s.status).toBe('error');
    expect(s.error).toEqual({ message: 'loss became NaN after node "h1"', code: 'nan', nodeId: 'h1' });
  });

  it('formats time left readably', () => {
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
    expect(formatDuration(3_720_000)).toBe('1 h 2 min');
  });
});
