import { applyGraphDelta, type GraphDelta } from '../protocol/graphDelta.js';
import { ServiceError } from './serviceError.js';

/**
 * The last few graphs clients asked to have remembered, so the next validation can come
 * as a delta from one of them, each with the answer it was given (`A`), so that answer
 * can go back as changes. Shared by every client of the engine (ids are chosen per
 * client, so they do not collide); least recently used first out. A worker restart
 * forgets them all and clients send whole graphs again.
 */
export class GraphMemory<A = unknown> {
  private readonly entries = new Map<string, { graph: unknown; answer?: A }>();

  constructor(private readonly capacity = 4) {}

  /** The graph a request describes: given whole, or rebuilt from a delta. */
  resolve(params: { graph?: unknown; delta?: GraphDelta; remember?: string }): unknown {
    let graph = params.graph;
    if (params.delta) {
      const base = this.entries.get(params.delta.base);
      if (base === undefined) throw new ServiceError('unknown-graph', `the engine does not hold graph "${params.delta.base}" (it restarted or forgot it): send the whole graph`);
      const rebuilt = applyGraphDelta(base.graph, params.delta);
      if ('error' in rebuilt) throw new ServiceError('bad-request', `graph delta: ${rebuilt.error}`);
      graph = rebuilt.graph;
    }
    if (params.remember) this.remember(params.remember, graph);
    return graph;
  }

  /** The answer given for a remembered graph, if it is still held. */
  answerFor(id: string): A | undefined {
    return this.entries.get(id)?.answer;
  }

  /** Keeps the answer given for a remembered graph (ignored once it is forgotten). */
  keepAnswer(id: string, answer: A): void {
    const entry = this.entries.get(id);
    if (entry) entry.answer = answer;
  }

  private remember(id: string, graph: unknown): void {
    this.entries.delete(id);
    this.entries.set(id, { graph });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
  }
}
