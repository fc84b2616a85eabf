import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Graph, GraphEdge } from '../../../engine/graph/schema.js';
import type { Problem } from '../../../engine/graph/problems.js';
import type { ValidationInfo } from '../../../engine/protocol/messages.js';
import { sameJson, type HeldValidation } from '../../../engine/protocol/validationChanges.js';
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
  outputTypes: ReadonlyMap<string, Record<string, TensorType>>;
  memory: ValidationInfo['memory'];
  parameters: number | null;
  /** What the view was indexed from, so the next answer re-indexes only what changed. */
  indexed: { edges: readonly GraphEdge[]; info: HeldValidation } | null;
}

export interface ValidationState {
  view: ValidationView | null;
  /** The key of the graph the view describes; differs from the current one while validating. */
  key: string | null;
  /**
   * An answer has been awaited for longer than a quick one takes. Not set for the quick
   * answers of every keystroke, which would re-render the status bar and the canvas twice
   * per key for a mark nobody could read.
   */
  slow: boolean;
  error: string | null;
}

export const EMPTY_VIEW: ValidationView = {
  problems: [],
  edgeTypes: new Map(),
  nodeProblems: new Map(),
  edgeProblems: new Map(),
  outputTypes: new Map(),
  memory: null,
  parameters: null,
  indexed: null,
};

/**
 * Indexes the engine's answer by node id and edge key (edge types come by index). Given
 * the previous view, every entry that did not change keeps its previous object, so the
 * canvas re-renders only the nodes and edges an edit affected, not the whole graph; and
 * an answer rebuilt from changes (which keeps the unchanged entries' objects) against the
 * same edges is re-indexed only where an entry's identity differs.
 */
export function indexValidation(graph: Graph, info: HeldValidation, previous: ValidationView | null = null): ValidationView {
  const edgeTypes = indexEdgeTypes(graph.edges, info.edgeTypes, previous);
  const nodeProblems = new Map<string, Problem[]>();
  const edgeProblems = new Map<string, Problem[]>();
  for (const p of info.problems) {
    if (p.nodeId !== undefined) nodeProblems.set(p.nodeId, [...(nodeProblems.get(p.nodeId) ?? []), p]);
    const edge = p.edgeIndex !== undefined ? graph.edges[p.edgeIndex] : undefined;
    if (edge) edgeProblems.set(edgeKey(edge), [...(edgeProblems.get(edgeKey(edge)) ?? []), p]);
  }
  for (const [id, list] of nodeProblems) nodeProblems.set(id, reuse(previous?.nodeProblems.get(id), list));
  for (const [key, list] of edgeProblems) edgeProblems.set(key, reuse(previous?.edgeProblems.get(key), list));
  const outputTypes = indexOutputTypes(info.outputTypes, previous);
  return { problems: info.problems, edgeTypes, nodeProblems, edgeProblems, outputTypes, memory: info.memory, parameters: info.parameters, indexed: { edges: graph.edges, info } };
}

function indexEdgeTypes(edges: readonly GraphEdge[], types: HeldValidation['edgeTypes'], previous: ValidationView | null): ReadonlyMap<string, TensorType | null> {
  const before = previous?.indexed;
  if (previous && before?.edges === edges) {
    if (before.info.edgeTypes === types) return previous.edgeTypes;
    let changed: Map<string, TensorType | null> | null = null;
    edges.forEach((e, i) => {
      const type = types[i] ?? null;
      if (type === (before.info.edgeTypes[i] ?? null)) return;
      const key = edgeKey(e);
      const old = previous.edgeTypes.get(key);
      const next = reuse(old, type);
      if (next !== old) (changed ??= new Map(previous.edgeTypes)).set(key, next);
    });
    return changed ?? previous.edgeTypes;
  }
  const map = new Map<string, TensorType | null>();
  edges.forEach((e, i) => {
    const key = edgeKey(e);
    map.set(key, reuse(previous?.edgeTypes.get(key), types[i] ?? null));
  });
  return map;
}

function indexOutputTypes(types: HeldValidation['outputTypes'], previous: ValidationView | null): ValidationView['outputTypes'] {
  const before = previous?.indexed?.info.outputTypes;
  if (previous && before === types) return previous.outputTypes;
  const out = new Map<string, Record<string, TensorType>>();
  for (const [id, next] of types) {
    const old = previous?.outputTypes.get(id);
    out.set(id, old !== undefined && next === before?.get(id) ? old : reuse(old, next));
  }
  return out;
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
 * How long an edit waits for the next one before it is validated. Short: the answer (a few
 * milliseconds of the page's time) then lands well before a typist's next key, ~120 ms
 * later, instead of on it, as it did at 100 ms; keys closer than this still make one run.
 */
export const VALIDATE_DELAY_MS = 40;

/**
 * Runs `graph.validate` on every edit that matters, lightly debounced. Answers that
 * arrive after a newer request was sent are dropped, so the canvas never goes back
 * to an older state.
 */
export function createValidation(client: () => EngineClient, delayMs = VALIDATE_DELAY_MS, slowAfterMs = 300): Validation {
  const store = createStore<ValidationState>()(() => ({ view: null, key: null, slow: false, error: null }));
  let sent = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let slowTimer: ReturnType<typeof setTimeout> | null = null;
  let lastKey: string | null = null;
  const keyOf = createSemanticKey(); // the graphs of a drag are not written out again
  const uplink = createGraphUplink();

  const run = async (graph: Graph) => {
    const key = keyOf(graph);
    if (key === lastKey && store.getState().error === null) return;
    lastKey = key;
    const ticket = ++sent;
    if (slowTimer) clearTimeout(slowTimer);
    slowTimer = setTimeout(() => store.setState({ slow: true }), slowAfterMs);
    const answered = () => {
      if (slowTimer) clearTimeout(slowTimer);
      slowTimer = null;
    };
    try {
      const info = await uplink.validate(client(), graph);
      if (ticket !== sent) return;
      answered();
      store.setState({ view: indexValidation(graph, info, store.getState().view), key, slow: false, error: null });
    } catch (err) {
      if (ticket !== sent) return;
      answered();
      lastKey = null; // try again on the next edit or reconnect
      store.setState({ slow: false, error: describeFailure(err, 'Checking the graph') });
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
      if (slowTimer) clearTimeout(slowTimer);
    },
  };
}
