import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Graph } from '../../../engine/graph/schema.js';
import type { Problem } from '../../../engine/graph/problems.js';
import type { ValidationInfo } from '../../../engine/protocol/messages.js';
import { sameJson } from '../../../engine/protocol/validationChanges.js';
import type { TensorType } from '../../../engine/shapes/types.js';
import type { EngineClient } from '../../../engine/protocol/client.js';
import { edgeKey } from '../doc/ids.js';
import { describeFailure } from '../engine/errors.js';
import { createGraphUplink } from './graphUplink.js';
import { createSemanticKey } from './semanticKey.js';

/** Validation results indexed the way the canvas asks for them. */
export interface ValidationView {
  problems: Problem[];
  edgeTypes: ReadonlyMap<string, TensorType | null>;
  nodeProblems: ReadonlyMap<string, Problem[]>;
  edgeProblems: ReadonlyMap<string, Problem[]>;
  outputTypes: Record<string, Record<string, TensorType>>;
  memory: ValidationInfo['memory'];
  parameters: number | null;
}

export interface ValidationState {
  view: ValidationView | null;
  /** The key of the graph the view describes; differs from the current one while validating. */
  key: string | null;
  pending: boolean;
  error: string | null;
}

export const EMPTY_VIEW: ValidationView = {
  problems: [],
  edgeTypes: new Map(),
  nodeProblems: new Map(),
  edgeProblems: new Map(),
  outputTypes: {},
  memory: null,
  parameters: null,
};

/**
 * Indexes the engine's answer by node id and edge key (edge types come by index). Given
 * the previous view, every entry that did not change keeps its previous object, so the
 * canvas re-renders only the nodes and edges an edit affected, not the whole graph.
 */
export function indexValidation(graph: Graph, info: ValidationInfo, previous: ValidationView | null = null): ValidationView {
  const edgeTypes = new Map<string, TensorType | null>();
  graph.edges.forEach((e, i) => {
    const key = edgeKey(e);
    edgeTypes.set(key, reuse(previous?.edgeTypes.get(key), info.edgeTypes[i] ?? null));
  });
  const nodeProblems = new Map<string, Problem[]>();
  const edgeProblems = new Map<string, Problem[]>();
  for (const p of info.problems) {
    if (p.nodeId !== undefined) nodeProblems.set(p.nodeId, [...(nodeProblems.get(p.nodeId) ?? []), p]);
    const edge = p.edgeIndex !== undefined ? graph.edges[p.edgeIndex] : undefined;
    if (edge) edgeProblems.set(edgeKey(edge), [...(edgeProblems.get(edgeKey(edge)) ?? []), p]);
  }
  for (const [id, list] of nodeProblems) nodeProblems.set(id, reuse(previous?.nodeProblems.get(id), list));
  for (const [key, list] of edgeProblems) edgeProblems.set(key, reuse(previous?.edgeProblems.get(key), list));
  const outputTypes: ValidationView['outputTypes'] = {};
  for (const [id, types] of Object.entries(info.outputTypes)) outputTypes[id] = reuse(previous?.outputTypes[id], types);
  return { problems: info.problems, edgeTypes, nodeProblems, edgeProblems, outputTypes, memory: info.memory, parameters: info.parameters };
}

/** The previous value when it equals the next one (small JSON values: shapes, problem lists). */
function reuse<T>(prev: T | undefined, next: T): T {
  return prev !== undefined && sameJson(prev, next) ? prev : next;
}

export interface Validation {
  store: StoreApi<ValidationState>;
  /** Validates now if the graph changed since the last run (debounced by the caller). */
  run(graph: Graph): Promise<void>;
  /** Schedules a run after `delayMs` of quiet: typing in a field validates once. */
  schedule(graph: Graph): void;
  dispose(): void;
}

/**
 * Runs `graph.validate` on every edit that matters, lightly debounced. Answers that
 * arrive after a newer request was sent are dropped, so the canvas never goes back
 * to an older state.
 */
export function createValidation(client: () => EngineClient, delayMs = 100): Validation {
  const store = createStore<ValidationState>()(() => ({ view: null, key: null, pending: false, error: null }));
  let sent = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastKey: string | null = null;
  const keyOf = createSemanticKey(); // the graphs of a drag are not written out again
  const uplink = createGraphUplink();

  const run = async (graph: Graph) => {
    const key = keyOf(graph);
    if (key === lastKey && store.getState().error === null) return;
    lastKey = key;
    const ticket = ++sent;
    store.setState({ pending: true });
    try {
      const info = await uplink.validate(client(), graph);
      if (ticket !== sent) return;
      store.setState({ view: indexValidation(graph, info, store.getState().view), key, pending: false, error: null });
    } catch (err) {
      if (ticket !== sent) return;
      lastKey = null; // try again on the next edit or reconnect
      store.setState({ pending: false, error: describeFailure(err, 'Checking the graph') });
    }
  };

  return {
    store,
    run,
    schedule(graph) {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        void run(graph);
      }, delayMs);
    },
    dispose() {
      if (timer) clearTimeout(timer);
    },
  };
}
