import { describe, expect, it } from 'vitest';
import type { CompiledModel } from '../compile/compile.js';
import type { TrainEvent } from '../train/events.js';
import { TrainingPaths } from './trainingPath.js';

/** A stand-in model whose one weight is the number of steps trained. */
function fakeModel(size = 4) {
  const state = { step: 0 };
  const model = {
    variables: new Map([['w', { size }]]),
    weights: () => ({ w: { shape: [size], data: new Float32Array(size).fill(state.step) } }),
  } as unknown as CompiledModel;
  return { model, state };
}

const start = (fromStep = 0, stepsPerEpoch = 2): TrainEvent => ({ event: 'start', backend: 'cpu', parameters: 4, epochs: 100, stepsPerEpoch, totalSteps: 200, fromStep });
const step = (s: number): TrainEvent => ({ event: 'step', step: s, epoch: Math.ceil(s / 2), loss: 1, metrics: {}, elapsedMs: 0, etaMs: 0 });

async function trainSteps(paths: TrainingPaths, runId: string, state: { step: number }, from: number, to: number) {
  for (let s = from + 1; s <= to; s++) {
    state.step = s;
    paths.observe(runId, step(s));
  }
}

describe('training path snapshots', () => {
  it('keeps the weights at the end of each epoch, copied, starting with the initial ones', async () => {
    const { model, state } = fakeModel();
    const paths = new TrainingPaths({ modelOf: async () => model });
    paths.observe('r', start());
    await Promise.resolve();
    await trainSteps(paths, 'r', state, 0, 6);
    const snaps = paths.snapshots('r');
    expect(snaps.map((s) => s.epoch)).toEqual([0, 1, 2, 3]);
    expect(snaps.map((s) => s.weights.w.data[0])).toEqual([0, 2, 4, 6]);
    expect(paths.lastStep('r')).toBe(6);
  });

  it('stays within its budget: thins to every other snapshot and takes fewer from then on', async () => {
    const { model, state } = fakeModel();
    const paths = new TrainingPaths({ modelOf: async () => model, maxSnapshots: 4 });
    paths.observe('r', start());
    await Promise.resolve();
    await trainSteps(paths, 'r', state, 0, 40); // 20 epochs
    const epochs = paths.snapshots('r').map((s) => s.epoch);
    expect(epochs.length).toBeLessThanOrEqual(4);
    expect(epochs[0]).toBe(0);
    expect(epochs.at(-1)).toBeGreaterThanOrEqual(16);
    // Evenly spread: equal gaps.
    const gaps = epochs.slice(1).map((e, i) => e - epochs[i]);
    expect(new Set(gaps).size).toBe(1);
  });

  it('continues the same path when a run resumes, forgets old runs, and keeps none for a network too big', async () => {
    const { model, state } = fakeModel();
    const paths = new TrainingPaths({ modelOf: async () => model, maxRuns: 2 });
    paths.observe('a', start());
    await Promise.resolve();
    await trainSteps(paths, 'a', state, 0, 2);
    paths.observe('a', start(2));
    await Promise.resolve();
    await trainSteps(paths, 'a', state, 2, 4);
    expect(paths.snapshots('a').map((s) => s.epoch)).toEqual([0, 1, 2]);
    paths.observe('b', start());
    paths.observe('c', start());
    expect(paths.snapshots('a')).toEqual([]);
    expect(paths.whyNone('a')).toMatch(/no recorded training path/);

    const huge = fakeModel(1000);
    const tight = new TrainingPaths({ modelOf: async () => huge.model, maxBytesPerRun: 8000 });
    tight.observe('h', start());
    await Promise.resolve();
    await trainSteps(tight, 'h', huge.state, 0, 4);
    expect(tight.snapshots('h')).toEqual([]);
    expect(tight.whyNone('h')).toMatch(/too large/);
  });
});
