import { describe, expect, it } from 'vitest';
import type { Graph } from '../../../engine/graph/schema.js';
import { createApp } from '../app/createApp.js';
import { fakeTransport, flush } from '../engine/fakeEngine.js';
import { analysisFor, runLabel, wasCancelled } from './analysisStore.js';

function graph(training: Partial<NonNullable<Graph['training']>> = {}): Graph {
  return {
    format: 'tensorloom.graph',
    version: 1,
    meta: { title: 'Sharpness-Aware Minimization' },
    dataset: { name: 'moons' },
    nodes: [],
    edges: [],
    training: { optimizer: { type: 'sgd', learningRate: 0.01, momentum: 0.9 }, batchSize: 20, epochs: 3, ...training },
  } as Graph;
}

function setup(extra: Record<string, (p: any) => unknown> = {}) {
  let runs = 0;
  const fake = fakeTransport({ 'train.start': () => ({ runId: `run-${++runs}` }), ...extra });
  const app = createApp({ transport: fake.transport });
  return { app, fake, analysis: analysisFor(app) };
}

const done = (runId: string) => ({ type: 'train', runId, event: { event: 'done', backend: 'cpu', stopped: false, steps: 30, elapsedMs: 5, metrics: { trainLoss: 0.2, testLoss: 0.3, testAccuracy: 0.9 } } });

describe('analysis state', () => {
  it('lists the runs the session trains, labelled by what tells them apart, and preselects the last two to compare', async () => {
    const { app, fake, analysis } = setup();
    expect(analysisFor(app)).toBe(analysis);
    await app.trainer.start(graph());
    fake.push(done('run-1'));
    await app.trainer.start(graph({ sam: { rho: 0.05 } }));
    await flush();
    const s = analysis.store.getState();
    expect(s.runs.map((r) => [r.runId, r.label, r.title])).toEqual([
      ['run-1', '#1 SGD', 'Sharpness-Aware Minimization'],
      ['run-2', '#2 SGD + SAM ρ 0.05', 'Sharpness-Aware Minimization'],
    ]);
    expect(s.runs[0].status).toBe('done');
    expect(s.selectedRunId).toBe('run-2');
    expect(s.compareIds).toEqual(['run-1', 'run-2']);
    expect(runLabel(7, graph({ optimizer: { type: 'adamw', learningRate: 0.001 } }))).toBe('#7 AdamW');
  });

  it('follows a job: progress pushes for its id, Cancel sends analysis.cancel, and the request fails as cancelled', async () => {
    let reject: (e: Error) => void = () => {};
    const { fake, analysis } = setup({
      'analysis.landscape': () => new Promise((_, r) => (reject = r)),
      'analysis.cancel': () => {
        reject(Object.assign(new Error('the analysis was cancelled'), { code: 'cancelled' }));
        return { cancelled: true };
      },
    });
    const pending = analysis.run('landscape', 'Computing', 'analysis.landscape', { runId: 'run-1', kind: '2d', grid: 5 });
    const outcome = pending.then(() => null, (e) => e);
    await flush();
    const job = analysis.store.getState().job!;
    expect(job).toMatchObject({ panel: 'landscape', what: 'Computing', fraction: 0 });
    const sent = fake.calls.find((c) => c.method === 'analysis.landscape')!;
    expect(sent.params).toMatchObject({ runId: 'run-1', kind: '2d', grid: 5, jobId: job.jobId });
    fake.push({ type: 'analysis', jobId: 'someone-else', progress: { phase: 'grid', done: 20, total: 25, fraction: 0.8 } });
    fake.push({ type: 'analysis', jobId: job.jobId, progress: { phase: 'grid', done: 10, total: 25, fraction: 0.4 } });
    expect(analysis.store.getState().job).toMatchObject({ phase: 'grid', done: 10, total: 25, fraction: 0.4 });
    await analysis.cancel();
    expect(fake.calls.at(-1)).toEqual({ method: 'analysis.cancel', params: { jobId: job.jobId } });
    expect(wasCancelled(await outcome)).toBe(true);
    expect(analysis.store.getState().job).toBeNull();
  });
});
