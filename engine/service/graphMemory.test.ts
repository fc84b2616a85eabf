import { describe, expect, it } from 'vitest';
import { diffGraph } from '../protocol/graphDelta.js';
import { GraphMemory } from './graphMemory.js';

const graph = (units: number) => ({ format: 'tensorloom.graph', version: 1, nodes: [{ id: 'h', type: 'Linear', params: { units } }], edges: [] });

describe('remembered graphs', () => {
  it('rebuilds deltas from the last few graphs and forgets the least recently used', () => {
    const memory = new GraphMemory(2);
    const a = graph(1);
    memory.resolve({ graph: a, remember: 'a' });
    memory.resolve({ graph: graph(2), remember: 'b' });
    // Using "a" again makes "b" the oldest, so "c" pushes "b" out.
    expect(memory.resolve({ delta: diffGraph('a', a, a), remember: 'a' })).toEqual(a);
    memory.resolve({ graph: graph(3), remember: 'c' });
    expect(() => memory.resolve({ delta: diffGraph('b', a, a) })).toThrow(expect.objectContaining({ code: 'unknown-graph' }));
    const rebuilt = memory.resolve({ delta: diffGraph('a', a, { ...a, nodes: [...a.nodes, { id: 'r', type: 'ReLU' }] }) }) as typeof a;
    expect(rebuilt.nodes.map((n) => n.id)).toEqual(['h', 'r']);
    expect(rebuilt.nodes[0]).toBe(a.nodes[0]);
  });

  it('keeps the answer given for each remembered graph, and forgets it with the graph', () => {
    const memory = new GraphMemory<string>(1);
    memory.resolve({ graph: graph(1), remember: 'a' });
    memory.keepAnswer('a', 'answer a');
    expect(memory.answerFor('a')).toBe('answer a');
    memory.resolve({ graph: graph(2), remember: 'b' });
    expect(memory.answerFor('a')).toBeUndefined();
    memory.keepAnswer('a', 'too late');
    expect(memory.answerFor('a')).toBeUndefined();
  });
});
