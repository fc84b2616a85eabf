import { describe, expect, it } from 'vitest';
import { EngineClient } from '../../../engine/protocol/client.js';
import type { ValidationInfo } from '../../../engine/protocol/messages.js';
import { moveNodes } from '../doc/graphEdits.js';
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

describe('validation', () => {
  it('maps edge types by index onto edge keys and problems onto nodes', () => {
    const view = indexValidation(spiralGraph(), answer(32));
    expect(view.edgeTypes.get('in:x->h1:')).toEqual({ shape: ['B', 2], dtype: 'float32' });
    expect(view.edgeTypes.get('h1:->a1:')).toEqual({ shape: ['B', 32], dtype: 'float32' });
    expect(view.nodeProblems.get('loss')?.[0].message).toBe('bad');
  });

  it('keeps the previous objects of what an edit did not change, and new ones for what it did', () => {
    const withTypes = (units: number): ValidationInfo => ({ ...answer(units), outputTypes: { h1: { out: { shape: ['B', units], dtype: 'float32' } }, in: { x: { shape: ['B', 2], dtype: 'float32' } } } });
    const first = indexValidation(spiralGraph(), withTypes(32));
    const second = indexValidation(spiralGraph(), withTypes(48), first);
    expect(second.edgeTypes.get('in:x->h1:')).toBe(first.edgeTypes.get('in:x->h1:'));
    expect(second.outputTypes.in).toBe(first.outputTypes.in);
    expect(second.nodeProblems.get('loss')).toBe(first.nodeProblems.get('loss'));
    expect(second.edgeTypes.get('h1:->a1:')).toEqual({ shape: ['B', 48], dtype: 'float32' });
    expect(second.outputTypes.h1.out.shape).toEqual(['B', 48]);
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
    const fake = fakeTransport({
      'graph.validate': async ({ graph }) => {
        const first = calls++ === 0;
        if (first) await new Promise((r) => setTimeout(r, 30));
        return answer(graph.nodes[1].params.units);
      },
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

  it('says so when the engine cannot validate', async () => {
    const fake = fakeTransport({});
    const client = new EngineClient(fake.transport);
    const v = createValidation(() => client);
    await v.run(spiralGraph());
    await flush();
    expect(v.store.getState().error).toBe('Checking the graph is not available from this engine yet.');
  });
});
