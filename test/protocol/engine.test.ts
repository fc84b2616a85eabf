import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_ORDER } from '../../engine/backend/select.js';
import { EngineRequestError } from '../../engine/protocol/client.js';
import { diffGraph } from '../../engine/protocol/graphDelta.js';
import type { Graph } from '../../engine/graph/schema.js';
import type { Push, TrainPush } from '../../engine/protocol/messages.js';
import type { TrainEvent } from '../../engine/train/events.js';
import { spiralsGraph, startTestServer, type Connection, type TestServer } from './harness.js';

// The whole path a user's click takes: EngineClient → WebSocket → server checks →
// engine worker → EngineService → engine, and the pushes back.
let t: TestServer;
let c: Connection;

beforeAll(async () => {
  t = await startTestServer();
  c = await t.connect();
});
afterAll(async () => {
  await t?.close();
});

const trainEvents = (pushes: Push[], runId: string): TrainEvent[] =>
  pushes.filter((p): p is TrainPush => p.type === 'train' && p.runId === runId).map((p) => p.event);

async function trainToEnd(runId: string): Promise<TrainEvent[]> {
  await c.waitForPush((p) => p.type === 'train' && p.runId === runId && (p.event.event === 'done' || p.event.event === 'error'));
  return trainEvents(c.pushes, runId);
}

describe('engine over the WebSocket', () => {
  it('lists every node kind with its ports and parameter forms, and the datasets', async () => {
    const kinds = await c.client.request('kinds.list', {});
    const linear = kinds.find((k) => k.type === 'Linear')!;
    expect(linear.group).toBe('Layers');
    expect(linear.params.units).toMatchObject({ kind: 'int', min: 1 });
    expect(kinds.find((k) => k.type === 'CrossEntropy')).toMatchObject({ role: 'loss', inputs: [{ name: 'logits' }, { name: 'labels' }] });
    const datasets = await c.client.request('datasets.list', {});
    expect(datasets.find((d) => d.name === 'spirals')).toMatchObject({ twoD: true });
  });

  it('validates a graph: shapes on every edge, the parameter count, and problems naming the node', async () => {
    const ok = await c.client.request('graph.validate', { graph: spiralsGraph() });
    expect(ok.problems).toEqual([]);
    expect(ok.edgeTypes[0]).toEqual({ shape: ['B', 2], dtype: 'float32' });
    expect(ok.edgeTypes[1]?.shape).toEqual(['B', 16]);
    // 2·16 + 16 weights and biases of h1, 16·2 + 2 of out.
    expect(ok.parameters).toBe(2 * 16 + 16 + 16 * 2 + 2);

    const broken = spiralsGraph();
    broken.edges[0] = { source: 'in', sourcePort: 'y', target: 'h1' };
    broken.edges.push({ source: 'nowhere', target: 'a1' });
    const bad = await c.client.request('graph.validate', { graph: broken });
    expect(bad.parameters).toBeNull();
    expect(bad.problems.some((p) => p.nodeId === 'h1' && p.severity === 'error')).toBe(true);
    expect(bad.problems.some((p) => p.code === 'dangling-edge' && /nowhere/.test(p.message))).toBe(true);
  });

  it('validates a delta from a graph it was asked to remember, and refuses a base it does not hold', async () => {
    const graph: Graph = spiralsGraph();
    await c.client.request('graph.validate', { graph, remember: 'test.1' });
    const wider = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'h1' ? { ...n, params: { units: 48 } } : n)) };
    const delta = diffGraph('test.1', graph, wider);
    // Only the edited node travels; the others are indices into the remembered graph.
    expect(delta.nodes!.filter((n: unknown) => typeof n !== 'number')).toEqual([wider.nodes[1]]);
    const answer = await c.client.request('graph.validate', { delta, remember: 'test.2' });
    expect(answer.edgeTypes[1]?.shape).toEqual(['B', 48]);
    expect(answer.parameters).toBe(2 * 48 + 48 + 48 * 2 + 2);
    // A delta from the delta's own result works too.
    const back = await c.client.request('graph.validate', { delta: diffGraph('test.2', wider, graph) });
    expect(back.edgeTypes[1]?.shape).toEqual(['B', 16]);
    // Revalidated, the answer comes back as what changed from test.2's answer.
    const update = await c.client.request('graph.revalidate', { delta: diffGraph('test.2', wider, graph), remember: 'test.3' });
    if (!('changes' in update)) throw new Error('expected changes from test.2');
    // h1 and the ReLU after it are 16 wide again; so are the two edges out of them.
    expect(Object.keys(update.changes.outputTypes).sort()).toEqual(['a1', 'h1']);
    expect(update.changes.edgeTypes.changed.map(([i, type]) => [i, type?.shape])).toEqual([[1, ['B', 16]], [2, ['B', 16]]]);
    expect(update.changes.parameters).toBe(2 * 16 + 16 + 16 * 2 + 2);
    const fresh = await c.client.request('graph.revalidate', { delta: diffGraph('test.3', graph, graph), remember: 'test.4' });
    expect('changes' in fresh && fresh.changes.edgeTypes.changed).toEqual([]);

    const unknown = c.client.request('graph.validate', { delta: diffGraph('never-sent', graph, wider) });
    await expect(unknown).rejects.toMatchObject({ code: 'unknown-graph' });
    const outOfRange = c.client.request('graph.validate', { delta: { base: 'test.1', fields: {}, nodes: [99], edges: [] } });
    await expect(outOfRange).rejects.toThrow(/nodes\[0\] refers to item 99/);
    await expect(c.client.request('graph.validate', {})).rejects.toThrow(/either graph or delta/);
  });

  it('exports a graph as PyTorch and TensorFlow.js code, and refuses a broken graph naming the node', async () => {
    const py = await c.client.request('model.export', { graph: spiralsGraph(), target: 'pytorch' });
    expect(py.language).toBe('python');
    expect(py.code).toMatch(/class \w+\(nn\.Module\)/);
    expect(py.files.map((f) => f.name)).toEqual(expect.arrayContaining([py.mainFile]));
    const js = await c.client.request('model.export', { graph: spiralsGraph(), target: 'tfjs' });
    expect(js.language).toBe('javascript');
    const broken = spiralsGraph();
    broken.nodes[1].params = { units: 0 };
    await expect(c.client.request('model.export', { graph: broken, target: 'pytorch' })).rejects.toThrow(/h1/);
  });

  it('previews a dataset: points, labels and split sizes', async () => {
    const preview = await c.client.request('dataset.preview', { dataset: { name: 'spirals', params: { samples: 400 } }, limit: 50 });
    expect(preview.x).toHaveLength(50);
    expect(preview.x.every((row) => row.length === 2)).toBe(true);
    expect(new Set(preview.y)).toEqual(new Set([0, 1]));
    expect(preview.trainCount + preview.testCount).toBe(400);
  });

  it('trains spirals for 2 epochs with start, step, epoch and done pushes, then analyses the model', async () => {
    const { runId } = await c.client.request('train.start', { graph: spiralsGraph() });
    const events = await trainToEnd(runId);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('start');
    expect(names.at(-1)).toBe('done');
    expect(names.filter((n) => n === 'epoch')).toHaveLength(2);
    const start = events[0] as Extract<TrainEvent, { event: 'start' }>;
    const steps = events.filter((e): e is Extract<TrainEvent, { event: 'step' }> => e.event === 'step');
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.map((s) => s.step)).toEqual([...steps.map((s) => s.step)].sort((a, b) => a - b));
    // Throttled or not, the last step always arrives.
    expect(steps.at(-1)!.step).toBe(start.totalSteps);
    const done = events.at(-1) as Extract<TrainEvent, { event: 'done' }>;
    expect(done).toMatchObject({ stopped: false, steps: start.totalSteps });
    expect(Number.isFinite(done.metrics.testLoss)).toBe(true);

    const grid = await c.client.request('model.boundary', { runId, resolution: 12 });
    expect(grid.classes).toHaveLength(144);
    expect(grid.confidence.every((p) => p >= 0.5 && p <= 1)).toBe(true);
    expect(grid.xMin).toBeLessThan(grid.xMax);

    const confusion = await c.client.request('model.confusion', { runId });
    expect(confusion.matrix).toHaveLength(2);
    const total = confusion.matrix.flat().reduce((a, b) => a + b, 0);
    expect(total).toBe(80); // the test split: 20% of 400
    // The matrix agrees with the accuracy the trainer reported on the same split.
    const diagonal = confusion.matrix[0][0] + confusion.matrix[1][1];
    expect(diagonal / total).toBeCloseTo(done.metrics.testAccuracy!, 5);

    const inspection = await c.client.request('model.inspect', { runId, nodeId: 'h1', sample: 3 });
    expect(inspection.sample.out.shape).toEqual([16]);
    expect(inspection.weights.weight.shape).toEqual([2, 16]);
    expect(inspection.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(80 * 16);
    const relu = await c.client.request('model.inspect', { runId, nodeId: 'a1', sample: 3 });
    expect(relu.sample.out.values.every((v) => v >= 0)).toBe(true);
    expect(relu.sample.out.values).toEqual(inspection.sample.out.values.map((v) => Math.max(0, v)));
  });

  it('stops a run and resumes it: the step count and the loss curve continue', async () => {
    const graph = spiralsGraph();
    graph.training.epochs = 400;
    const { runId } = await c.client.request('train.start', { graph });
    await c.waitForPush((p) => p.type === 'train' && p.runId === runId && p.event.event === 'step' && p.event.step >= 20);
    expect(await c.client.request('train.stop', { runId })).toEqual({ stopped: true });
    const first = await trainToEnd(runId);
    const stopped = first.at(-1) as Extract<TrainEvent, { event: 'done' }>;
    expect(stopped).toMatchObject({ event: 'done', stopped: true });
    const lastStep = (first.filter((e) => e.event === 'step').at(-1) as Extract<TrainEvent, { event: 'step' }>).step;
    expect(stopped.steps).toBe(lastStep);
    expect(await c.client.request('train.stop', { runId })).toEqual({ stopped: false });

    const before = c.pushes.length;
    expect(await c.client.request('train.resume', { runId, epochs: 1 })).toEqual({ runId });
    await c.waitForPush((p) => c.pushes.indexOf(p) >= before && p.type === 'train' && p.runId === runId && p.event.event === 'done');
    const second = trainEvents(c.pushes.slice(before), runId);
    expect(second[0]).toMatchObject({ event: 'start', fromStep: lastStep });
    const steps = second.filter((e): e is Extract<TrainEvent, { event: 'step' }> => e.event === 'step');
    expect(steps[0].step).toBeGreaterThan(lastStep);
    const epochsDone = Math.floor(lastStep / 5); // 320 train samples / 64 = 5 steps per epoch
    expect(second.at(-1)).toMatchObject({ event: 'done', stopped: false, steps: (epochsDone + 1) * 5 });
  });

  it('stops the runs of a page that went away', async () => {
    const other = await t.connect();
    const graph = spiralsGraph();
    graph.training.epochs = 2000;
    const { runId } = await other.client.request('train.start', { graph });
    await other.waitForPush((p) => p.type === 'train' && p.event.event === 'step');
    other.socket.close();
    // Stopping it from here finds it already stopped (or stops it, if the close is still on its way).
    await expect.poll(async () => (await c.client.request('train.stop', { runId })).stopped, { timeout: 10_000 }).toBe(false);
    // Its progress never leaked to this connection.
    expect(c.pushes.some((p) => p.type === 'train' && p.runId === runId)).toBe(false);
  });

  it('refuses to train a graph with problems, and to resume an unknown run', async () => {
    const broken = spiralsGraph();
    broken.nodes[1].type = 'Linaer';
    await expect(c.client.request('train.start', { graph: broken })).rejects.toThrow(/Linaer.*did you mean "Linear"/);
    const err = await c.client.request('train.resume', { runId: 'run-nothere' }).catch((e: EngineRequestError) => e);
    expect(err).toMatchObject({ code: 'not-found' });
  });

  it('keeps an autosave and gives it back (recovery save, load, clear)', async () => {
    const text = JSON.stringify(spiralsGraph(), null, 2);
    expect(await c.client.request('recovery.save', { key: 'untitled', text })).toEqual({ saved: true });
    const loaded = await c.client.request('recovery.load', { key: 'untitled' });
    expect(loaded.text).toBe(text);
    expect(Math.abs(Date.now() - loaded.savedAt!)).toBeLessThan(60_000);
    expect(await c.client.request('recovery.load', { key: 'other' })).toEqual({ text: null, savedAt: null });
    expect(await c.client.request('recovery.clear', { key: 'untitled' })).toEqual({ cleared: true });
    expect((await c.client.request('recovery.load', { key: 'untitled' })).text).toBeNull();
  });

  it('reads and writes graph files in the workspace only', async () => {
    const text = JSON.stringify(spiralsGraph());
    await c.client.request('files.write', { name: 'mine.loom.json', text });
    expect(readFileSync(join(t.dirs.workspace, 'mine.loom.json'), 'utf8')).toBe(text);
    expect((await c.client.request('files.list', {})).files.map((f) => f.name)).toEqual(['mine.loom.json']);
    expect((await c.client.request('files.read', { name: 'mine.loom.json' })).text).toBe(text);

    const refusals = ['../escape.loom.json', '/etc/passwd', 'notes.txt', 'sub/dir.loom.json', '.hidden.loom.json', 'a\\..\\b.loom.json'];
    for (const name of refusals) {
      await expect(c.client.request('files.write', { name, text: 'x' }), name).rejects.toMatchObject({ code: 'bad-request' });
      await expect(c.client.request('files.read', { name }), name).rejects.toMatchObject({ code: 'bad-request' });
    }
    // A symlink inside the workspace that leads out is not followed.
    const outside = join(t.dirs.workspace, '..', 'secret.loom.json');
    writeFileSync(outside, 'secret');
    symlinkSync(outside, join(t.dirs.workspace, 'link.loom.json'));
    await expect(c.client.request('files.read', { name: 'link.loom.json' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(c.client.request('files.write', { name: 'link.loom.json', text: 'x' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(readFileSync(outside, 'utf8')).toBe('secret');
  });

  it('lists the templates and opens one with its explanation', async () => {
    const list = await c.client.request('templates.list', {});
    expect(list).toEqual([{ name: 'spirals-demo', title: 'Spirals demo', article: 'fixture', summary: 'A small MLP on the two spirals.' }]);
    const tpl = await c.client.request('templates.get', { name: 'spirals-demo' });
    expect(JSON.parse(tpl.graph).format).toBe('tensorloom.graph');
    expect(tpl.readme).toMatch(/^# Spirals/);
    expect(tpl.claim).toEqual({ testAccuracy: 0.5 });
    await expect(c.client.request('templates.get', { name: 'incomplete' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('reports the engine: protocol version and backend', async () => {
    const info = await c.client.request('engine.info', {});
    expect(info.protocol).toBe(1);
    expect(BACKEND_ORDER).toContain(info.backendName);
    expect(info.backend).toBeTruthy();
  });

  it('answers malformed messages with an error and never passes them on', async () => {
    const starts = () => c.pushes.filter((p) => p.type === 'train' && p.event.event === 'start').length;
    const startsBefore = starts();
    const replies: unknown[] = [];
    c.socket.on('message', (data) => replies.push(JSON.parse(data.toString())));
    c.socket.send('not json');
    c.socket.send(JSON.stringify({ id: 41, method: 'train.start', params: { graph: spiralsGraph(), backend: 'quantum' } }));
    c.socket.send(JSON.stringify({ id: 42, method: 'fs.delete', params: {} }));
    c.socket.send(JSON.stringify({ id: 43, method: 'train.stop', params: { runId: '../../etc' } }));
    await expect.poll(() => replies.length).toBe(4);
    expect(replies).toEqual([
      { id: -1, ok: false, error: { code: 'bad-request', message: 'messages must be JSON text' } },
      { id: 41, ok: false, error: { code: 'bad-request', message: expect.stringMatching(/backend/) } },
      { id: 42, ok: false, error: { code: 'bad-request', message: 'unknown method "fs.delete"' } },
      { id: 43, ok: false, error: { code: 'bad-request', message: expect.stringMatching(/runId/) } },
    ]);
    // Nothing was started by the refused train.start.
    await c.client.request('engine.info', {});
    expect(starts()).toBe(startsBefore);
  });

  it('survives a crash of the engine worker: the client hears it, and the next request works', async () => {
    const before = c.pushes.length;
    t.server.engine.crashForTest();
    const crashed = await c.waitForPush((p) => c.pushes.indexOf(p) >= before && p.type === 'engine' && p.state === 'crashed');
    expect(crashed).toMatchObject({ type: 'engine', state: 'crashed', message: expect.stringMatching(/stopped unexpectedly/) });
    await c.waitForPush((p) => c.pushes.indexOf(p) >= before && p.type === 'engine' && p.state === 'restarted');
    const kinds = await c.client.request('kinds.list', {});
    expect(kinds.length).toBeGreaterThan(5);
    // Runs died with the old engine; the new one says so instead of hanging.
    await expect(c.client.request('model.confusion', { runId: 'run-000000000000' })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('browser-mode HTTP', () => {
  it('serves the built page with a strict Content-Security-Policy, and nothing outside it', async () => {
    mkdirSync(join(t.dirs.renderer, 'assets'), { recursive: true });
    writeFileSync(join(t.dirs.renderer, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
    writeFileSync(join(t.dirs.renderer, 'assets', 'app.js'), 'console.log(1)');
    const base = `http://127.0.0.1:${t.server.port}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/%00index.html']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
    }
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
  });
});
