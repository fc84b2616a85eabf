import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Graph } from '../../../engine/graph/schema.js';
import type { BoundaryGrid, TrainPush } from '../../../engine/protocol/messages.js';
import type { Engine } from '../engine/engineStore.js';
import { describeFailure } from '../engine/errors.js';
import { applyTrainEvent, IDLE, RunSeries, type RunSummary } from './runState.js';

export interface TrainerState extends RunSummary {
  /** The graph the run trains (inspection and the boundary refer to it). */
  graph: Graph | null;
  boundary: BoundaryGrid | null;
  boundaryNote: string | null;
  confusion: { classes: string[]; matrix: number[][] } | null;
  confusionNote: string | null;
}

export interface Trainer {
  store: StoreApi<TrainerState>;
  series: RunSeries;
  start(graph: Graph): Promise<void>;
  stop(): Promise<void>;
  resume(epochs?: number): Promise<void>;
  /** Forgets the run (a new document was opened). */
  reset(): void;
  dispose(): void;
}

export interface TrainerOptions {
  /** Whether the dataset has two features, so a decision boundary can be drawn. */
  isTwoD(graph: Graph): boolean;
  boundaryResolution?: number;
}

/**
 * Drives runs through the engine and folds their pushed events into state. Events
 * that arrive before `train.start` has answered with the run id are held and replayed.
 */
export function createTrainer(engine: Engine, options: TrainerOptions): Trainer {
  const series = new RunSeries();
  const initial: TrainerState = { ...IDLE, graph: null, boundary: null, boundaryNote: null, confusion: null, confusionNote: null };
  const store = createStore<TrainerState>()(() => initial);
  let early: TrainPush[] = [];
  let boundaryBusy = false;
  let boundaryAgain = false;

  const refreshBoundary = async () => {
    const { runId, graph } = store.getState();
    if (!runId || !graph || !options.isTwoD(graph)) return;
    if (boundaryBusy) {
      boundaryAgain = true;
      return;
    }
    boundaryBusy = true;
    try {
      const boundary = await engine.client.request('model.boundary', { runId, resolution: options.boundaryResolution ?? 60 });
      if (store.getState().runId === runId) store.setState({ boundary, boundaryNote: null });
    } catch (err) {
      store.setState({ boundaryNote: describeFailure(err, 'The decision boundary') });
    } finally {
      boundaryBusy = false;
      if (boundaryAgain) {
        boundaryAgain = false;
        void refreshBoundary();
      }
    }
  };

  const fetchConfusion = async () => {
    const { runId, metricName } = store.getState();
    if (!runId || metricName !== 'accuracy') return;
    try {
      const confusion = await engine.client.request('model.confusion', { runId });
      if (store.getState().runId === runId) store.setState({ confusion, confusionNote: null });
    } catch (err) {
      store.setState({ confusionNote: describeFailure(err, 'The confusion matrix') });
    }
  };

  const handle = (push: TrainPush) => {
    const state = store.getState();
    if (state.status === 'starting' && state.runId === null) {
      early.push(push);
      return;
    }
    if (push.runId !== state.runId) return;
    const next = applyTrainEvent(state, series, push.event);
    store.setState(next);
    if (push.event.event === 'epoch' || push.event.event === 'done') void refreshBoundary();
    if (push.event.event === 'done') void fetchConfusion();
  };

  const lost = (why: string) => {
    const { status } = store.getState();
    if (status === 'running' || status === 'starting' || status === 'stopping') {
      store.setState({ status: 'error', etaMs: null, error: { message: why }, version: store.getState().version + 1 });
    }
  };
  const unsubscribe = engine.client.onPush((push) => {
    if (push.type === 'train') handle(push);
    else if (push.type === 'engine' && push.state === 'crashed') lost(`The engine stopped while training (${push.message}). It restarts by itself; train again when it is back.`);
  });
  // The server stops the runs of a connection that went away.
  const unwatch = engine.store.subscribe((s, prev) => {
    if (s.connection === 'closed' && prev.connection !== 'closed') lost('The connection to the engine was lost, which stops the run. Train again once it is back.');
  });

  const adopt = (runId: string) => {
    store.setState({ runId });
    const held = early.filter((p) => p.runId === runId);
    early = [];
    for (const p of held) handle(p);
  };

  return {
    store,
    series,
    async start(graph) {
      series.clear();
      early = [];
      store.setState({ ...initial, status: 'starting', graph, version: store.getState().version + 1 });
      try {
        const { runId } = await engine.client.request('train.start', { graph });
        adopt(runId);
      } catch (err) {
        store.setState({ status: 'error', error: { message: describeFailure(err, 'Training') } });
      }
    },
    async stop() {
      const { runId, status } = store.getState();
      if (!runId || (status !== 'running' && status !== 'starting')) return;
      store.setState({ status: 'stopping' });
      try {
        await engine.client.request('train.stop', { runId });
      } catch (err) {
        store.setState({ status: 'error', error: { message: describeFailure(err, 'Stopping') } });
      }
    },
    async resume(epochs) {
      const { runId } = store.getState();
      if (!runId) return;
      store.setState({ status: 'starting', confusion: null });
      try {
        const reply = await engine.client.request('train.resume', { runId, ...(epochs ? { epochs } : {}) });
        store.setState({ runId: reply.runId, status: store.getState().status === 'starting' ? 'running' : store.getState().status });
      } catch (err) {
        store.setState({ status: 'error', error: { message: describeFailure(err, 'Resuming') } });
      }
    },
    reset() {
      series.clear();
      early = [];
      store.setState({ ...initial, version: store.getState().version + 1 });
    },
    dispose() {
      unsubscribe();
      unwatch();
    },
  };
}
