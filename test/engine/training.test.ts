import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/backend/select.js';
import { trainGraph } from '../../engine/run/trainGraph.js';
import type { TrainEvent } from '../../engine/train/events.js';
import type { Graph } from '../../engine/graph/schema.js';
import { CompiledModel } from '../../engine/compile/compile.js';
import { spiralsGraph } from '../helpers/graphs.js';

type Done = Extract<TrainEvent, { event: 'done' }>;
type ErrorEvent = Extract<TrainEvent, { event: 'error' }>;

async function run(graph: Graph, extra: Partial<Parameters<typeof trainGraph>[1]> = {}) {
  const events: TrainEvent[] = [];
  const result = await trainGraph(graph, { backend: 'cpu', onEvent: (e) => events.push(e), ...extra });
  const steps = events.filter((e): e is Extract<TrainEvent, { event: 'step' }> => e.event === 'step');
  return {
    result,
    events,
    steps,
    done: events.find((e): e is Done => e.event === 'done'),
    error: events.find((e): e is ErrorEvent => e.event === 'error'),
  };
}

const small = (epochs: number, overrides: Partial<Graph> = {}) =>
  spiralsGraph({
    dataset: { name: 'spirals', params: { samples: 400, noise: 0.1 } },
    training: { optimizer: { type: 'adam', learningRate: 0.01 }, batchSize: 32, epochs, seed: 3 },
    ...overrides,
  });

describe('training', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('gives the same loss curve for the same seed on the same backend, and another for another seed', async () => {
    const a = await run(small(2));
    const b = await run(small(2));
    const c = await run({ ...small(2), training: { ...small(2).training!, seed: 4 } });
    expect(a.steps.length).toBeGreaterThan(10);
    expect(b.steps.map((s) => s.loss)).toEqual(a.steps.map((s) => s.loss));
    expect(c.steps.map((s) => s.loss)).not.toEqual(a.steps.map((s) => s.loss));
  });

  it('stops on a NaN loss, naming the step and the node where it first appeared', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-nan-'));
    // Six features near float32's maximum: the first Linear's sums overflow.
    const rows = ['a,b,c,d,e,f,label', ...Array.from({ length: 40 }, (_, i) => `${Array(6).fill(i % 2 ? 3e38 : 1).join(',')},${i % 2}`)];
    writeFileSync(join(dir, 'huge.csv'), rows.join('\n'));
    const g = small(1, { dataset: { name: 'csv', params: { path: 'huge.csv', label: 'label' } } });
    g.nodes.find((n) => n.id === 'h1')!.params = { units: 64 };
    const { error, done } = await run(g, { baseDir: dir });
    expect(done).toBeUndefined();
    expect(error).toMatchObject({ code: 'nan', step: 1, nodeId: 'h1' });
    expect(error!.message).toMatch(/step 1: the (loss|gradient) became (NaN|infinite|NaN or infinite); it first appears in node "h1" \(Linear\)/);
  });

  it('stops when asked, and resumes from a checkpoint where it stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-ckpt-'));
    const first = await run(small(2), { outDir: dir });
    const stepsPerEpoch = (first.events[0] as Extract<TrainEvent, { event: 'start' }>).stepsPerEpoch;
    expect(first.done!.steps).toBe(2 * stepsPerEpoch);
    const resumed = await run(small(4), { resumeFrom: dir });
    const start = resumed.events[0] as Extract<TrainEvent, { event: 'start' }>;
    expect(start.fromStep).toBe(2 * stepsPerEpoch);
    expect(resumed.steps[0].step).toBe(2 * stepsPerEpoch + 1);
    expect(resumed.done!.steps).toBe(4 * stepsPerEpoch);
    // A full run of 4 epochs gives the same curve as 2 + 2 resumed.
    const straight = await run(small(4));
    expect(resumed.steps.map((s) => s.loss)).toEqual(straight.steps.slice(2 * stepsPerEpoch).map((s) => s.loss));

    const controller = new AbortController();
    const events: TrainEvent[] = [];
    await trainGraph(small(50), {
      backend: 'cpu',
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.event === 'step' && e.step === 5) controller.abort();
      },
    });
    const done = events.find((e): e is Done => e.event === 'done')!;
    expect(done.stopped).toBe(true);
    expect(done.steps).toBe(5);
  });

  it('trains with SAM (two gradient evaluations per step) to the same accuracy class as plain Adam', async () => {
    const plain = await run(small(30));
    const sam = await run({ ...small(30), training: { ...small(30).training!, sam: { rho: 0.05 } } });
    expect(sam.steps.map((s) => s.loss)).not.toEqual(plain.steps.map((s) => s.loss));
    expect(sam.done!.metrics.testAccuracy).toBeGreaterThan(0.9);
    expect(plain.done!.metrics.testAccuracy).toBeGreaterThan(0.9);
  });

  it('evaluates in batches no larger than a training batch, so an epoch end needs no more memory than a step', async () => {
    const forward = CompiledModel.prototype.forward;
    const evalBatches: number[] = [];
    CompiledModel.prototype.forward = function (this: CompiledModel, ...args: Parameters<typeof forward>) {
      if (!args[1]?.training) evalBatches.push(args[0].x.shape[0]);
      return forward.apply(this, args);
    };
    try {
      const { done } = await run(small(1));
      expect(done?.metrics.testAccuracy).toBeGreaterThan(0.5);
    } finally {
      CompiledModel.prototype.forward = forward;
    }
    // 320 training and 80 test samples, batch 32: every sample is evaluated, 32 at a time.
    expect(Math.max(...evalBatches)).toBe(32);
    expect(evalBatches.reduce((a, b) => a + b, 0)).toBe(400);
  });

  it('reports a graph error as an error event naming the node', async () => {
    const g = small(1);
    g.nodes.find((n) => n.id === 'h1')!.params = { units: 0 };
    const { error } = await run(g);
    expect(error).toMatchObject({ code: 'graph', nodeId: 'h1' });
  });
});
