import type { Graph } from '../../../engine/graph/schema.js';
import { EngineRequestError, type EngineClient } from '../../../engine/protocol/client.js';
import { diffGraph } from '../../../engine/protocol/graphDelta.js';
import { applyValidationChanges, holdValidation, type HeldValidation } from '../../../engine/protocol/validationChanges.js';

export interface GraphUplink {
  /** Validates `graph`, sent as a delta from the last graph the engine acknowledged. */
  validate(client: EngineClient, graph: Graph): Promise<HeldValidation>;
}

/**
 * Sending a thousand-node graph on every keystroke cost the page more than the keystroke
 * (writing it out and handing 120 KB to the socket), and so did receiving its answer.
 * Each graph is remembered by the engine under an id; the next one goes as a delta from
 * the newest acknowledged one and its answer comes back as changes from that graph's
 * answer; both go whole when the engine no longer has the base (restarted, or forgot it).
 */
export function createGraphUplink(prefix = randomPrefix()): GraphUplink {
  let sent = 0;
  let held: { seq: number; id: string; graph: Graph; info: HeldValidation } | null = null;
  const acknowledge = (seq: number, id: string, graph: Graph, info: HeldValidation) => {
    if (!held || held.seq < seq) held = { seq, id, graph, info };
    return info;
  };
  return {
    async validate(client, graph) {
      const seq = ++sent;
      const id = `${prefix}.${seq}`;
      const base = held;
      if (base) {
        try {
          const update = await client.request('graph.revalidate', { delta: diffGraph(base.id, base.graph, graph), remember: id });
          const info = 'changes' in update ? applyValidationChanges(base.info, update.changes) : holdValidation(update.full);
          return acknowledge(seq, id, graph, info);
        } catch (err) {
          if (!(err instanceof EngineRequestError && err.code === 'unknown-graph')) throw err;
          if (held === base) held = null;
        }
      }
      return acknowledge(seq, id, graph, holdValidation(await client.request('graph.validate', { graph, remember: id })));
    },
  };
}

function randomPrefix(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return `g${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
