import type { TrainEvent } from '../../../engine/train/events.js';

export type RunStatus = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'done' | 'error';

/**
 * Curves of a run, kept in plain growing arrays outside React state: charts read them
 * when the `version` in the store changes, once per animation frame at most.
 */
export class RunSeries {
  /** Per step: x = step. */
  stepX: number[] = [];
  stepLoss: number[] = [];
  stepMetric: (number | null)[] = [];
  /** Per epoch: x = the step at the end of the epoch, so both share one axis. */
  epochX: number[] = [];
  epochIndex: number[] = [];
  trainLoss: number[] = [];
  trainMetric: (number | null)[] = [];
  testLoss: number[] = [];
  testMetric: (number | null)[] = [];

  clear(): void {
    for (const key of Object.keys(this) as (keyof RunSeries)[]) {
      const v = this[key];
      if (Array.isArray(v)) v.length = 0;
    }
  }
}

export interface RunSummary {
  status: RunStatus;
  runId: string | null;
  backend: string | null;
  parameters: number | null;
  epochs: number;
  stepsPerEpoch: number;
  totalSteps: number;
  fromStep: number;
  step: number;
  epoch: number;
  elapsedMs: number;
  etaMs: number | null;
  /** The metric the loss reports besides the loss: 'accuracy' for classification, 'mae' for regression. */
  metricName: string | null;
  lastTrainMetric: number | null;
  lastTestMetric: number | null;
  lastTestLoss: number | null;
  done: Extract<TrainEvent, { event: 'done' }>['metrics'] | null;
  error: { message: string; nodeId?: string; code?: string } | null;
  /** Tokens per expert in the latest step, by MoE node id. */
  routing: Record<string, number[]> | null;
  version: number;
}

export const IDLE: RunSummary = {
  status: 'idle',
  runId: null,
  backend: null,
  parameters: null,
  epochs: 0,
  stepsPerEpoch: 0,
  totalSteps: 0,
  fromStep: 0,
  step: 0,
  epoch: 0,
  elapsedMs: 0,
  etaMs: null,
  metricName: null,
  lastTrainMetric: null,
  lastTestMetric: null,
  lastTestLoss: null,
  done: null,
  error: null,
  routing: null,
  version: 0,
};

const PREFERRED_METRICS = ['accuracy', 'mae'];

function pickMetric(metrics: Record<string, number>, current: string | null): string | null {
  if (current && current in metrics) return current;
  return PREFERRED_METRICS.find((m) => m in metrics) ?? Object.keys(metrics).find((k) => k !== 'loss') ?? null;
}

/** Folds one training event into the run summary and its curves. Pure but for `series`. */
export function applyTrainEvent(s: RunSummary, series: RunSeries, e: TrainEvent): RunSummary {
  switch (e.event) {
    case 'start':
      if (e.fromStep === 0) series.clear();
      return {
        ...s,
        status: 'running',
        backend: e.backend,
        parameters: e.parameters,
        epochs: e.epochs,
        stepsPerEpoch: e.stepsPerEpoch,
        totalSteps: e.totalSteps,
        fromStep: e.fromStep,
        step: e.fromStep,
        error: null,
        done: null,
        version: s.version + 1,
      };
    case 'step': {
      const metricName = pickMetric(e.metrics, s.metricName);
      series.stepX.push(e.step);
      series.stepLoss.push(e.loss);
      series.stepMetric.push(metricName ? (e.metrics[metricName] ?? null) : null);
      return {
        ...s,
        step: e.step,
        epoch: e.epoch,
        elapsedMs: e.elapsedMs,
        etaMs: e.etaMs,
        metricName,
        routing: e.routing ?? s.routing,
        version: s.version + 1,
      };
    }
    case 'epoch': {
      const metricName = s.metricName ?? pickMetric({ ...e.train }, null);
      const trainMetric = metricName ? (e.train[metricName] ?? null) : null;
      const testMetric = metricName ? (e.test[metricName] ?? null) : null;
      series.epochX.push(e.step);
      series.epochIndex.push(e.epoch);
      series.trainLoss.push(e.train.loss);
      series.trainMetric.push(trainMetric);
      series.testLoss.push(e.test.loss);
      series.testMetric.push(testMetric);
      return {
        ...s,
        epoch: e.epoch,
        step: Math.max(s.step, e.step),
        elapsedMs: e.elapsedMs,
        metricName,
        lastTrainMetric: trainMetric,
        lastTestMetric: testMetric,
        lastTestLoss: e.test.loss,
        version: s.version + 1,
      };
    }
    case 'checkpoint':
      return s;
    case 'done':
      return {
        ...s,
        status: e.stopped ? 'stopped' : 'done',
        backend: e.backend,
        step: e.steps,
        elapsedMs: e.elapsedMs,
        etaMs: null,
        done: e.metrics,
        lastTestMetric: e.metrics.testAccuracy ?? s.lastTestMetric,
        lastTestLoss: e.metrics.testLoss,
        version: s.version + 1,
      };
    case 'error':
      return { ...s, status: 'error', etaMs: null, error: { message: e.message, code: e.code, ...(e.nodeId ? { nodeId: e.nodeId } : {}) }, version: s.version + 1 };
  }
}

/** "1 min 5 s left" style, for the progress bar. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
