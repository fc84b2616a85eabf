import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisPush, Landscape1D, Landscape2D, Push, Response, TrainPush } from '../protocol/messages.js';
import { EngineService } from './engineService.js';
import { polygonArea } from './regionPolygons.js';

/**
 * The analysis requests through the service, as the panels send them: on a small ReLU
 * network trained on the moons in-process (no worker), a few seconds in all.
 */
const root = mkdtempSync(join(tmpdir(), 'tensorloom-analysis-'));
const pushes: Push[] = [];
let service: EngineService;
let nextId = 1;

function moonsGraph(overrides: Record<string, unknown> = {}) {
  return {
    format: 'tensorloom.graph',
    version: 1,
    dataset: { name: 'moons', params: { samples: 300, noise: 0.15 }, testFraction: 0.3 },
    nodes: [
      { id: 'in', type: 'Input' },
      { id: 'h1', type: 'Linear', params: { units: 6 } },
      { id: 'a1', type: 'ReLU' },
      { id: 'out', type: 'Linear', params: { units: 2 } },
      { id: 'loss', type: 'CrossEntropy' },
    ],
    edges: [
      { source: 'in', sourcePort: 'x', target: 'h1' },
      { source: 'h1', target: 'a1' },
      { source: 'a1', target: 'out' },
      { source: 'out', target: 'loss', targetPort: 'logits' },
      { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
    ],
    training: { optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 }, batchSize: 30, epochs: 6, seed: 1, ...overrides },
  };
}

async function call(method: string, params: unknown): Promise<Response> {
  return service.request({ id: nextId++, method, params });
}

async function ok<T>(method: string, params: unknown): Promise<T> {
  const r = await call(method, params);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`);
  return r.result as T;
}

function waitFor(test: (p: Push) => boolean, timeoutMs = 60_000): Promise<Push> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const found = pushes.find(test);
      if (found) return resolve(found);
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting for a push'));
      setTimeout(tick, 20);
    };
    tick();
  });
}

async function train(overrides: Record<string, unknown> = {}): Promise<{ runId: string; done: Extract<TrainPush['event'], { event: 'done' }> }> {
  const { runId } = await ok<{ runId: string }>('train.start', { graph: moonsGraph(overrides), backend: 'cpu' });
  const push = (await waitFor((p) => p.type === 'train' && p.runId === runId && (p.event.event === 'done' || p.event.event === 'error'))) as TrainPush;
  if (push.event.event !== 'done') throw new Error(`training failed: ${JSON.stringify(push.event)}`);
  return { runId, done: push.event };
}

let sgd: { runId: string; done: Extract<TrainPush['event'], { event: 'done' }> };
let sam: { runId: string; done: Extract<TrainPush['event'], { event: 'done' }> };

beforeAll(async () => {
  service = new EngineService({ templatesDir: root, recoveryDir: join(root, 'recovery'), workspaceDir: root, push: (p) => pushes.push(p) });
  sgd = await train();
  sam = await train({ sam: { rho: 0.05 } });
});

afterAll(async () => {
  await service?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('analysis requests', () => {
  it('builds the exact tree: fidelity 1, rules as text, and the regions of the plane as polygons tiling the box', async () => {
    const t = await ok<import('../protocol/messages.js').TreeAnalysis>('analysis.tree', { runId: sgd.runId, method: 'exact', jobId: 'tree-1' });
    expect(t.method).toBe('exact');
    expect(t.fidelity).toBe(1);
    expect(t.truncated).toBe(false);
    expect(t.regions).toBe(t.nodes.filter((n) => n.kind === 'leaf').length);
    expect(t.rules.length).toBe(t.rulesTotal);
    expect(t.featureNames).toHaveLength(2);
    expect(t.rules[0].conditions[0]).toContain(t.featureNames[0]);
    // An exact leaf concludes with its linear model: which class wins where.
    expect(t.classNames.some((c) => t.rules[0].conclusion.includes(c))).toBe(true);
    // No weight arrays on the wire: the rule's text only.
    expect(JSON.stringify(t.nodes)).not.toContain('"weights"');
    const plane = t.plane!;
    expect(plane.regions.length).toBeGreaterThan(1);
    const box = (plane.xMax - plane.xMin) * (plane.yMax - plane.yMin);
    const covered = plane.regions.reduce((s, r) => s + polygonArea(r.polygon), 0);
    // A complete exact tree covers the whole box once (regions do not overlap).
    expect(t.exact!.complete).toBe(true);
    expect(covered / box).toBeCloseTo(1, 3);
    expect(pushes.some((p) => p.type === 'analysis' && p.jobId === 'tree-1' && p.progress.phase === 'tree')).toBe(true);
  });

  it('warns when the node limit cuts the exact tree, and the C-Net tree reports its fidelity and accuracy', async () => {
    const small = await ok<import('../protocol/messages.js').TreeAnalysis>('analysis.tree', { runId: sgd.runId, method: 'exact', limit: 5 });
    expect(small.truncated).toBe(true);
    expect(small.limit).toBe(5);
    expect(small.warning).toMatch(/node limit of 5/);
    const c = await ok<import('../protocol/messages.js').TreeAnalysis>('analysis.tree', { runId: sgd.runId, method: 'cnet' });
    expect(c.method).toBe('cnet');
    expect(c.fidelity).toBeGreaterThan(0.5);
    expect(c.fidelity).toBeLessThanOrEqual(1);
    expect(c.accuracy).not.toBeNull();
    expect(c.cnet!.hiddenLayer.width).toBe(6);
    expect(c.nodes.some((n) => n.kind === 'split' && /H\d+ ≤/.test(n.hidden ?? ''))).toBe(true);
  });

  it('computes a 2-D landscape whose centre is the training loss the run reported, with sharpness beside it', async () => {
    const before = pushes.length;
    const l = await ok<Landscape2D>('analysis.landscape', { runId: sgd.runId, kind: '2d', grid: 5, jobId: 'land-1' });
    expect(l.kind).toBe('2d');
    expect(l.grid).toHaveLength(5);
    expect(l.grid[2]).toHaveLength(5);
    expect(l.centerLoss).toBeCloseTo(sgd.done.metrics.trainLoss, 5);
    expect(l.grid[2][2]).toBeCloseTo(l.centerLoss, 5);
    expect(l.samples).toBe(l.splitSize);
    expect(l.sharpness!.ascent).toBeGreaterThanOrEqual(l.sharpness!.firstOrder);
    const progress = pushes.slice(before).filter((p): p is AnalysisPush => p.type === 'analysis' && p.jobId === 'land-1');
    expect(progress.length).toBeGreaterThan(2);
    const fractions = progress.map((p) => p.progress.fraction ?? 0);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(fractions.at(-1)).toBeGreaterThan(0.9);
  });

  it('uses the training path: snapshots kept at the epochs give the axes, and the path ends at the centre', async () => {
    const l = await ok<Landscape2D>('analysis.landscape', { runId: sgd.runId, kind: '2d', grid: 5, directions: 'trajectory' });
    expect(l.directions).toBe('trajectory');
    // The initial weights and 6 epoch ends, the last of which is the centre.
    expect(l.path).toHaveLength(7);
    expect(Math.hypot(l.path!.at(-1)!.x, l.path!.at(-1)!.y)).toBeLessThan(1e-4);
    expect(l.explained![0]).toBeGreaterThan(l.explained![1]);
    const one = await ok<Landscape1D>('analysis.landscape', { runId: sgd.runId, kind: '1d', grid: 7, directions: 'trajectory' });
    expect(one.losses).toHaveLength(7);
    expect(one.explained).toBeCloseTo(l.explained![0], 6);
  });

  it('computes a 1-D slice and sharpness, leaving the run\'s weights as they were', async () => {
    const a = await ok<Landscape1D>('analysis.landscape', { runId: sgd.runId, kind: '1d', grid: 9, rho: 0.1 });
    expect(a.alphas).toHaveLength(9);
    expect(a.losses[4]).toBeCloseTo(a.centerLoss, 5);
    expect(a.sharpness!.rho).toBe(0.1);
    const s1 = await ok<{ ascent: number; firstOrder: number; loss: number }>('analysis.sharpness', { runId: sgd.runId, rho: 0.1 });
    const s2 = await ok<{ ascent: number; firstOrder: number; loss: number }>('analysis.sharpness', { runId: sgd.runId, rho: 0.1 });
    expect(s1.loss).toBeCloseTo(sgd.done.metrics.trainLoss, 5);
    expect(s1.firstOrder).toBeCloseTo(a.sharpness!.firstOrder, 6);
    expect(s2).toEqual(s1);
  });

  it('compares two runs along the same seeded direction, each with its sharpness', async () => {
    const c = await ok<import('../protocol/messages.js').CompareAnalysis>('analysis.compare', { runIds: [sgd.runId, sam.runId], points: 11 });
    expect(c.alphas).toHaveLength(11);
    expect(c.runs.map((r) => r.runId)).toEqual([sgd.runId, sam.runId]);
    for (const r of c.runs) {
      expect(r.losses).toHaveLength(11);
      expect(r.losses[5]).toBeCloseTo(r.centerLoss, 5);
      expect(r.sharpness!.firstOrder).toBeGreaterThan(0);
    }
    expect(c.runs[0].centerLoss).toBeCloseTo(sgd.done.metrics.trainLoss, 5);
    expect(c.runs[1].centerLoss).toBeCloseTo(sam.done.metrics.trainLoss, 5);
  });

  it('stops a long computation on analysis.cancel, and says so', async () => {
    const pending = call('analysis.landscape', { runId: sgd.runId, kind: '2d', grid: 101, jobId: 'long-1' });
    await waitFor((p) => p.type === 'analysis' && p.jobId === 'long-1' && p.progress.phase === 'grid');
    const cancelled = await ok<{ cancelled: boolean }>('analysis.cancel', { jobId: 'long-1' });
    expect(cancelled.cancelled).toBe(true);
    const r = await pending;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('cancelled');
    expect((await ok<{ cancelled: boolean }>('analysis.cancel', { jobId: 'long-1' })).cancelled).toBe(false);
  });

  it('refuses clearly: an unknown run, a path too short, bad parameters', async () => {
    const unknown = await call('analysis.tree', { runId: 'run-nope', method: 'exact' });
    expect(!unknown.ok && unknown.error).toMatchObject({ code: 'not-found' });
    const short = await train({ epochs: 1 });
    const noPath = await call('analysis.landscape', { runId: short.runId, kind: '2d', grid: 3, directions: 'trajectory' });
    expect(!noPath.ok && noPath.error.code).toBe('no-path');
    expect(!noPath.ok && noPath.error.message).toMatch(/at least 3 epochs/);
    const bad = await call('analysis.landscape', { runId: sgd.runId, kind: '3d' });
    expect(!bad.ok && bad.error.code).toBe('bad-request');
  });
});
