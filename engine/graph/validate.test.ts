import { describe, expect, it } from 'vitest';
import { validateGraph, validateGraphText } from './validate.js';
import { formatProblem } from './problems.js';
import { fake2dDataset, spiralsGraph } from '../../test/helpers/graphs.js';

const check = (graph: unknown) => validateGraph(graph, { describeDataset: fake2dDataset });

describe('validateGraph', () => {
  it('gives the same answer when it reuses the schema checks of items it saw before, problems included', () => {
    const itemChecks = new WeakMap();
    const g = spiralsGraph();
    g.nodes.push({ id: 'odd', type: 'Linear', params: 'wide' as never });
    g.edges.push({ source: 7 } as never);
    const fresh = check(g);
    expect(fresh.problems.map((p) => p.code)).toEqual(expect.arrayContaining(['node-format', 'edge-format']));
    const first = validateGraph(g, { describeDataset: fake2dDataset, itemChecks });
    // The next edit shares every item but one (as a graph rebuilt from a delta does).
    const next = { ...g, nodes: g.nodes.map((n) => (n.id === 'h1' ? { ...n, params: { units: 8 } } : n)) };
    const second = validateGraph(next, { describeDataset: fake2dDataset, itemChecks });
    expect(first.problems).toEqual(fresh.problems);
    expect(second.problems).toEqual(check(next).problems);
    expect(second.edgeTypes).toEqual(check(next).edgeTypes);
    expect(second.edgeTypes[1]?.shape).toEqual(['B', 8]);
  });

  it('accepts the spirals MLP and infers a shape for every edge', () => {
    const r = check(spiralsGraph());
    expect(r.problems).toEqual([]);
    expect(r.edgeTypes.map((t) => t && t.shape)).toEqual([['B', 2], ['B', 32], ['B', 32], ['B', 32], ['B', 32], ['B', 2], ['B']]);
    expect(r.order.indexOf('in')).toBeLessThan(r.order.indexOf('loss'));
  });

  it('reports every problem of a broken graph at once, each naming node, type and port', () => {
    const g = spiralsGraph();
    g.nodes.push(
      { id: 'weird', type: 'Linaer' },
      { id: 'big', type: 'Linear', params: { units: -3 } },
      { id: 'typed', type: 'Dropout', params: { rate: 'half' } as never },
    );
    g.edges.push(
      { source: 'ghost', target: 'a1' },
      { source: 'h1', sourcePort: 'nope', target: 'big' },
      { source: 'h1', target: 'a2' }, // a2 already fed by h2
    );
    const r = check(g);
    const codes = r.problems.map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['unknown-type', 'param', 'dangling-edge', 'port', 'double-input']));
    const unknown = r.problems.find((p) => p.code === 'unknown-type')!;
    expect(formatProblem(unknown)).toContain('did you mean "Linear"');
    expect(unknown.nodeId).toBe('weird');
    const bounds = r.problems.find((p) => p.nodeId === 'big' && p.code === 'param')!;
    expect(bounds.message).toMatch(/units.*between 1 and/);
    const double = r.problems.find((p) => p.code === 'double-input')!;
    expect(double).toMatchObject({ nodeId: 'a2', nodeType: 'ReLU', port: 'in' });
    const badPort = r.problems.find((p) => p.code === 'port')!;
    expect(badPort).toMatchObject({ nodeId: 'h1', nodeType: 'Linear', port: 'nope' });
  });

  it('finds cycles and names the nodes on them', () => {
    const g = spiralsGraph();
    g.edges = g.edges.filter((e) => !(e.source === 'a1' && e.target === 'h2'));
    g.edges.push({ source: 'a2', target: 'h2' });
    const r = check(g);
    const cycle = r.problems.filter((p) => p.code === 'cycle').map((p) => p.nodeId).sort();
    expect(cycle).toEqual(['a2', 'h2']);
  });

  it('requires a loss and connected inputs', () => {
    const g = spiralsGraph();
    g.nodes = g.nodes.filter((n) => n.id !== 'loss');
    g.edges = g.edges.filter((e) => e.target !== 'loss' && !(e.target === 'a2'));
    const r = check(g);
    expect(r.problems.some((p) => p.code === 'no-loss')).toBe(true);
    expect(r.problems.find((p) => p.code === 'unconnected')).toMatchObject({ nodeId: 'a2', port: 'in' });
  });

  it('reports a shape mismatch at the node and port where it happens, without cascading', () => {
    const g = spiralsGraph();
    g.nodes.push({ id: 'bad', type: 'Linear', params: { units: 4 } });
    g.edges = g.edges.filter((e) => e.target !== 'loss' || e.targetPort !== 'labels');
    g.edges.push({ source: 'in', sourcePort: 'y', target: 'bad' }, { source: 'bad', target: 'loss', targetPort: 'labels' });
    const r = check(g);
    const shape = r.problems.filter((p) => p.code === 'shape');
    expect(shape.length).toBe(1);
    expect(shape[0]).toMatchObject({ nodeId: 'bad', nodeType: 'Linear', port: 'in' });
  });

  it('refuses a model too large for memory before anything is allocated, with the estimate and the limit', () => {
    const g = spiralsGraph();
    g.nodes.find((n) => n.id === 'h2')!.params = { units: 1_000_000 };
    g.nodes.find((n) => n.id === 'out')!.params = { units: 1_000_000 };
    g.nodes.push({ id: 'out2', type: 'Linear', params: { units: 2 } });
    g.edges = g.edges.filter((e) => e.source !== 'out');
    g.edges.push({ source: 'out', target: 'out2' }, { source: 'out2', target: 'loss', targetPort: 'logits' });
    const r = check(g);
    const mem = r.problems.find((p) => p.code === 'memory')!;
    expect(mem.message).toMatch(/needs about [\d.]+ TB .* over the limit of 8\.0 GB/);
    expect(mem.nodeId).toBe('out');
  });

  it('checks the class count of the logits against the labels the dataset gives', () => {
    const g = spiralsGraph();
    g.nodes.find((n) => n.id === 'out')!.params = { units: 1 };
    const describe3 = (ref: Parameters<typeof fake2dDataset>[0]) => {
      const r = fake2dDataset(ref);
      return { ...r, spec: { ...r.spec!, numClasses: 3 } };
    };
    expect(check(g).problems.find((p) => p.code === 'shape')).toMatchObject({ nodeId: 'loss', port: 'logits' });
    g.nodes.find((n) => n.id === 'out')!.params = { units: 2 };
    const r = validateGraph(g, { describeDataset: describe3 });
    expect(r.problems[0].message).toBe("the labels have 3 classes but the logits only 2: set the last Linear's units to 3");
  });

  it('never throws on junk, and says what is wrong', () => {
    const junk: unknown[] = [null, 42, 'text', [], [1, 2], { format: 'tensorloom.graph' }, { nodes: 'x', edges: {} }, { format: 'tensorloom.graph', version: 1, dataset: {}, nodes: [null, 3, { id: '' }], edges: [null] }];
    let nested: unknown = {};
    for (let i = 0; i < 5000; i++) nested = { nodes: [nested] };
    junk.push(nested);
    for (const value of junk) {
      const r = check(value);
      expect(r.problems.length).toBeGreaterThan(0);
      for (const p of r.problems) expect(p.message.length).toBeGreaterThan(5);
    }
  });

  it('refuses files from a newer format version with a clear message', () => {
    const r = check({ ...spiralsGraph(), version: 7 });
    expect(r.problems[0].message).toContain('newer Tensorloom');
  });
});

describe('validateGraphText', () => {
  it('gives the line and column of a syntax error in truncated JSON', () => {
    const text = JSON.stringify(spiralsGraph(), null, 2);
    const cut = text.slice(0, Math.floor(text.length / 2));
    const r = validateGraphText(cut, { describeDataset: fake2dDataset });
    expect(r.graph).toBeNull();
    expect(r.problems[0].code).toBe('json-syntax');
    expect(r.problems[0].line).toBeGreaterThan(1);
  });

  it('gives the line of a bad parameter', () => {
    const g = spiralsGraph();
    g.nodes[1].params = { units: 0 };
    const text = JSON.stringify(g, null, 2);
    const r = validateGraphText(text, { describeDataset: fake2dDataset });
    const p = r.problems.find((x) => x.code === 'param')!;
    const expectedLine = text.split('\n').findIndex((l) => l.includes('"units": 0')) + 1;
    expect(p.line).toBe(expectedLine);
    expect(formatProblem(p)).toMatch(new RegExp(`^line ${expectedLine}:\\d+, node "h1" \\(Linear\\)`));
  });
});
