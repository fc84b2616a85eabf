import { applyGraphDelta, type GraphDelta } from '../protocol/graphDelta.js';
import { ServiceError } from './serviceError.js';

/**
 * The last few graphs clients asked to have remembered, so the next validation can come
 * as a delta from one of them. Shared by every client of the engine (ids are chosen per
 * client, so they do not collide); least recently used first out. A worker restart
 * forgets them all and clients send whole graphs again.
 */
export class GraphMemory {
  private readonly graphs = new Map<string, unknown>();

  constructor(private readonly capacity = 4) {}

  /** The graph a request describes: given whole, or rebuilt from a delta. */
  resolve(params: { graph?: unknown; delta?: GraphDelta; remember?: string }): unknown {
    let graph = params.graph;
    if (params.delta) {
      const base = this.graphs.get(params.delta.base);
      if (base === undefined) throw new ServiceError('unknown-graph', `the engine does not hold graph "${params.delta.base}" (it restarted or forgot it): send the whole graph`);
      const rebuilt = applyGraphDelta(base, params.delta);
      if ('error' in rebuilt) throw new ServiceError('bad-request', `graph delta: ${rebuilt.error}`);
      graph = rebuilt.graph;
    }
    if (params.remember) this.remember(params.remember, graph);
    return graph;
  }

  private remember(id: string, graph: unknown): void {
    this.graphs.delete(id);
    this.graphs.set(id, graph);
    while (this.graphs.size > this.capacity) this.graphs.delete(this.graphs.keys().next().value as string);
  }

  clear(): void {
    this.graphs.clear();
  }
}
