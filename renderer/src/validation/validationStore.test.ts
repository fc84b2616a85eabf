import { describe, expect, it } from 'vitest';
import { EngineClient } from '../../../engine/protocol/client.js';
import type { ValidationInfo } from '../../../engine/protocol/messages.js';
import type { Graph } from '../../../engine/graph/schema.js';
import { applyGraphDelta, type GraphDelta } from '../../../engine/protocol/graphDelta.js';
import { diffValidation, holdValidation, type HeldValidation, type ValidationUpdate } from '../../../engine/protocol/validationChanges.js';
import { moveNodes, setParam } from '../doc/graphEdits.js';
import { produce } from 'immer';
import { spiralGraph } from '../doc/testGraphs.js';
import { fakeTransport, flush } from '../engine/fakeEngine.js';
import { createValidation, indexValidation } from './validationStore.js';

const answer = (units: number): ValidationInfo => ({
  problems: [{ severity: 'error', code: 'shape', message: 'bad', nodeId: 'loss', port: 'labels' }],
  outputTypes: {},
  edgeTypes: [{ shape: ['B', 2], dtype: 'float32' }, { shape: ['B', units], dtype: 'float32' }, null, null, null],
  memory: null,
  parameters: 10,
});

/** The engine's side of graph deltas, as far as these tests need it: remembered graphs and their answers, by id. */
class RememberingEngine {
  private held = new Map<string, { graph: unknown; answer?: ValidationInfo }>();
  constructor(private readonly answerFor: (graph: Graph) => ValidationInfo) {}
  resolve(params: { graph?: unknown; delta?: GraphDelta; remember?: string }): Graph {
    let graph = params.graph;
    if (params.delta) {
      if (!this.held.has(params.delta.base)) throw Object.assign(new Error('unknown base'), { code: 'unknown-graph' });
      const rebuilt = applyGraphDelta(this.held.get(params.delta.base)!.graph, params.delta);
      if ('error' in rebuilt) throw new Error(rebuilt.error);
      graph = rebuilt.graph;
    }
    if (params.remember) this.held.set(params.remember, { graph });
    return graph as Graph;
  }
  validate(params: { graph?: unknown; delta?: GraphDelta; remember?: string }): ValidationInfo {
    const info = this.answerFor(this.resolve(params));
    if (params.remember) this.held.get(params.remember)!.answer = info;
    return info;
  }
  revalidate(params: { delta: GraphDelta; remember: string }): ValidationUpdate {
    const before = this.held.get(params.delta.base)?.answer;
    const info = this.validate(params);
    return before ? { changes: diffValidation(params.delta.base, before, info) } : { full: info };
  }
}

/** The answer as the page holds it (graphUplink.ts). */
const held = (info: ValidationInfo): HeldValidation => holdValidation(info);

describe('validation', () => {
  it('maps edge types by index onto edge keys and problems onto nodes', () => {
    const view = indexValidation(spiralGraph(), held(answer(32)));
    expect(view.edgeTypes.get('in:x->h1:')).toEqual({ shape: ['B', 2], dtype: 'float32' });
    expect(view.edgeTypes.get('h1:->a1:')).toEqual({ shape: ['B', 32], dtype: 'float32' });
    expect(view.nodeProblems.get('loss')?.[0].message).toBe('bad');
  });

  it('keeps the previous objects of what an edit did not change, and new ones for what it did', () => {
    const withTypes = (units: number): ValidationInfo => ({ ...answer(units), outputTypes: { h1: { out: { shape: ['B', units], dtype: 'float32' } }, in: { x: { shape: ['B', 2], dtype: 'float32' } } } });
    const first = indexValidation(spiralGraph(), held(withTypes(32)));
    const second = indexValidation(spiralGraph(), held(withTypes(48)), first);
    expect(second.edgeTypes.get('in:x->h1:')).toBe(first.edgeTypes.get('in:x->h1:'));
    expect(second.outputTypes.get('in')).toBe(first.outputTypes.get('in'));
    expect(second.nodeProblems.get('loss')).toBe(first.nodeProblems.get('loss'));
    expect(second.edgeTypes.get('h1:->a1:')).toEqual({ shape: ['B', 48], dtype: 'float32' });
    expect(second.outputTypes.get('h1')?.out.shape).toEqual(['B', 48]);
  });

  it('re-indexes only the entries whose objects changed when the edges are the same', () => {
    const g = spiralGraph();
    const first = indexValidation(g, held(answer(32)));
    // An answer rebuilt from changes keeps the unchanged entries' objects.
    const same = { ...first.indexed!.info, problems: answer(32).problems };
    expect(indexValidation(g, same, first).edgeTypes).toBe(first.edgeTypes);
    const changed = { ...first.indexed!.info, edgeTypes: first.indexed!.info.edgeTypes.map((t, i) => (i === 1 ? { shape: ['B', 48], dtype: 'float32' } : t)) } as HeldValidation;
    const second = indexValidation(g, changed, first);
    expect(second.edgeTypes).not.toBe(first.edgeTypes);
    expect(second.edgeTypes.get('h1:->a1:')?.shape).toEqual(['B', 48]);
    expect(second.edgeTypes.get('in:x->h1:')).toBe(first.edgeTypes.get('in:x->h1:'));
    expect(first.edgeTypes.get('h1:->a1:')?.shape).toEqual(['B', 32]);
    // Other edges: indexed anew by key, whatever the previous answer's order.
    const reordered = produce(g, (d) => void d.edges.reverse());
    const third = indexValidation(reordered, held({ ...answer(32), edgeTypes: [...answer(32).edgeTypes].reverse() }), first);
    expect(third.edgeTypes.get('in:x->h1:')).toBe(first.edgeTypes.get('in:x->h1:'));
    expect(third.edgeTypes.get('h1:->a1:')?.shape).toEqual(['B', 32]);
  });

  it('does not validate again when only positions changed', async () => {
    const fake = fakeTransport({ 'graph.validate': () => answer(32) });
    const client = new EngineClient(fake.transport);
    const v = createValidation(() => client);
    const g = spiralGraph();
    await v.run(g);
    await v.run(produce(g, (d) => moveNodes(d, { h1: { x: 5, y: 5 } })));
    expect(fake.calls.filter((c) => c.method === 'graph.validate')).toHaveLength(1);
    expect(v.store.getState().view?.parameters).toBe(10);
  });

  it('keeps the newest answer when an older one arrives late', async () => {
    let calls = 0;
    const memory = new RememberingEngine((graph) => answer(graph.nodes[1].params!.units as number));
    const fake = fakeTransport({
      'graph.validate': async (params) => {
        const info = memory.validate(params);
        if (calls++ === 0) await new Promise((r) => setTimeout(r, 30));
        return info;
      },
      'graph.revalidate': (params) => memory.revalidate(params),
    });
    const client = new EngineClient(fake.transport);
    const v = createValidation(() => client);
    const g = spiralGraph();
    const slow = v.run(g);
    const g2 = produce(g, (d) => void (d.nodes[1].params = { units: 7 }));
    await v.run(g2);
    await slow;
    expect(v.store.getState().view?.edgeTypes.get('h1:->a1:')?.shape).toEqual(['B', 7]);
  });

  it('sends an edit as a delta of the edited node, gets back what changed, and sends the whole graph again when the engine forgot it', async () => {
    const engineAnswer = (graph: Graph) => answer(graph.nodes[1].params!.units as number);
    let memory = new RememberingEngine(engineAnswer);
    const updates: ValidationUpdate[] = [];
    const fake = fakeTransport({
      'graph.validate': (params) => memory.validate(params),
      'graph.revalidate': (params) => {
        const update = memory.revalidate(params);
        updates.push(update);
        return update;
      },
    });
    const client = new EngineClient(fake.transport);
    const v = createValidation(() => client);
    const units = () => v.store.getState().view?.edgeTypes.get('h1:->a1:')?.shape[1];
    let g = spiralGraph();
    await v.run(g);
    expect(fake.calls[0].params.graph).toBe(g);
    g = produce(g, (d) => setParam(d, 'h1', 'units', 64));
    await v.run(g);
    expect(fake.calls[1].params.graph).toBeUndefined();
    expect(fake.calls[1].params.delta.nodes.filter((n: unknown) => typeof n !== 'number')).toEqual([g.nodes[1]]);
    // The answer came back as the one changed edge type, rebuilt into the whole answer.
    expect(fake.calls[1].method).toBe('graph.revalidate');
    expect('changes' in updates[0] && updates[0].changes.edgeTypes.changed).toEqual([[1, { shape: ['B', 64], dtype: 'float32' }]]);
    expect(units()).toBe(64);
    expect(v.store.getState().view?.edgeTypes.get('in:x->h1:')).toEqual({ shape: ['B', 2], dtype: 'float32' });

    memory = new RememberingEngine(engineAnswer); // the engine restarted
    g = produce(g, (d) => setParam(d, 'h1', 'units', 65));
    await v.run(g);
    expect(fake.calls.slice(2).map((c) => (c.params.graph ? 'graph' : 'delta'))).toEqual(['delta', 'graph']);
    expect(units()).toBe(65);
    expect(v.store.getState().error).toBeNull();
  });

  it('marks a check as slow only when its answer takes longer than a quick one, and clears the mark when it comes', async () => {
    let release: () => void = () => {};
    const fake = fakeTransport({
      'graph.validate': () => answer(32),
      'graph.revalidate': async (): Promise<ValidationUpdate> => {
        await new Promise<void>((r) => (release = r));
        return { full: answer(9) };
      },
    });
    const client = new EngineClient(fake.transport);
    const v = createValidation(() => client, 100, 20);
    const seen: boolean[] = [];
    v.store.subscribe((s) => seen.push(s.slow));
    await v.run(spiralGraph());
    await new Promise((r) => setTimeout(r, 40));
    expect(seen).not.toContain(true);
    const waiting = v.run(produce(spiralGraph(), (d) => setParam(d, 'h1', 'units', 9)));
    await new Promise((r) => setTimeout(r, 40));
    expect(v.store.getState().slow).toBe(true);
    release();
    await waiting;
    expect(v.store.getState().slow).toBe(false);
  });

  it('says so when the engine cannot validate', async () => {
    const fake = fakeTransport({});
    const client = new EngineClient(fake.transport);
    const v = createValidation(() => client);
    await v.run(spiralGraph());
    await flush();
    expect(v.store.getState().error).toBe('Checking the graph is not available from this engine yet.');
  });
});
