import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engineStore.js';
import { fakeTransport, flush } from '../engine/fakeEngine.js';
import { spiralGraph } from '../doc/testGraphs.js';
import { createTrainer } from './trainer.js';

describe('trainer', () => {
  it('replays events pushed before train.start answered, then fetches boundary and confusion', async () => {
    let fake: ReturnType<typeof fakeTransport>;
    fake = fakeTransport({
      'train.start': () => {
        // The engine starts streaming before its reply reaches us.
        fake.push({ type: 'train', runId: 'r1', event: { event: 'start', backend: 'wasm', parameters: 10, epochs: 1, stepsPerEpoch: 1, totalSteps: 1, fromStep: 0 } });
        fake.push({ type: 'train', runId: 'r1', event: { event: 'step', step: 1, epoch: 1, loss: 0.5, metrics: { accuracy: 0.8 }, elapsedMs: 5, etaMs: 0 } });
        return { runId: 'r1' };
      },
      'model.boundary': () => ({ xMin: -1, xMax: 1, yMin: -1, yMax: 1, resolution: 4, classes: new Array(16).fill(0), confidence: new Array(16).fill(1) }),
      'model.confusion': () => ({ classes: ['a', 'b'], matrix: [[5, 0], [1, 4]] }),
    });
    const engine = createEngine(fake.transport);
    const trainer = createTrainer(engine, { isTwoD: () => true });
    await trainer.start(spiralGraph());
    expect(trainer.store.getState()).toMatchObject({ runId: 'r1', status: 'running', step: 1, backend: 'wasm' });
    expect(trainer.series.stepLoss).toEqual([0.5]);
    fake.push({ type: 'train', runId: 'r1', event: { event: 'done', backend: 'wasm', stopped: false, steps: 1, elapsedMs: 6, metrics: { trainLoss: 0.5, trainAccuracy: 0.8, testLoss: 0.5, testAccuracy: 0.8 } } });
    await flush();
    await flush();
    const s = trainer.store.getState();
    expect(s.status).toBe('done');
    expect(s.boundary?.resolution).toBe(4);
    expect(s.confusion?.matrix).toEqual([[5, 0], [1, 4]]);
  });

  it('ignores events of other runs', async () => {
    const fake = fakeTransport({ 'train.start': () => ({ runId: 'mine' }) });
    const trainer = createTrainer(createEngine(fake.transport), { isTwoD: () => false });
    await trainer.start(spiralGraph());
    fake.push({ type: 'train', runId: 'other', event: { event: 'error', code: 'nan', message: 'x' } });
    expect(trainer.store.getState().status).toBe('starting');
  });

  it('says plainly when the engine cannot draw a decision boundary', async () => {
    const fake = fakeTransport({ 'train.start': () => ({ runId: 'r' }) });
    const trainer = createTrainer(createEngine(fake.transport), { isTwoD: () => true });
    await trainer.start(spiralGraph());
    fake.push({ type: 'train', runId: 'r', event: { event: 'epoch', epoch: 1, step: 1, train: { loss: 1 }, test: { loss: 1 }, elapsedMs: 1 } });
    await flush();
    await flush();
    expect(trainer.store.getState().boundaryNote).toBe('The decision boundary is not available from this engine yet.');
  });

  it('shows why training could not start', async () => {
    const fake = fakeTransport({
      'train.start': () => {
        throw Object.assign(new Error('node "h1" (Linear), port "in": input "in" is not connected'), { code: 'graph' });
      },
    });
    const trainer = createTrainer(createEngine(fake.transport), { isTwoD: () => false });
    await trainer.start(spiralGraph());
    expect(trainer.store.getState().error?.message).toBe('Training failed: node "h1" (Linear), port "in": input "in" is not connected');
  });

  it('reports a run as failed when the engine crashes or the connection drops', async () => {
    const fake = fakeTransport({ 'train.start': () => ({ runId: 'r' }) });
    const engine = createEngine(fake.transport);
    const trainer = createTrainer(engine, { isTwoD: () => false });
    await trainer.start(spiralGraph());
    fake.push({ type: 'engine', state: 'crashed', message: 'out of memory' });
    expect(trainer.store.getState().status).toBe('error');
    expect(trainer.store.getState().error?.message).toContain('out of memory');

    await trainer.start(spiralGraph());
    engine.setConnection('closed', 'server went away');
    expect(trainer.store.getState().error?.message).toContain('connection to the engine was lost');
  });
});
