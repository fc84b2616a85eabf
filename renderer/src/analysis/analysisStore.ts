import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Graph } from '../../../engine/graph/schema.js';
import type { CompareAnalysis, LandscapeAnalysis, Method, RequestParams, Responses, TreeAnalysis } from '../../../engine/protocol/messages.js';
import type { AppServices } from '../app/services.js';
import { isTwoD } from '../app/services.js';
import type { TrainerState } from '../training/trainer.js';

/** A run this session trained, as the analysis panels list it. */
export interface SessionRun {
  runId: string;
  /** 1, 2, 3… in the order they were started. */
  number: number;
  /** "#2 SGD + SAM ρ 0.05": what tells two runs of the same graph apart. */
  label: string;
  title: string;
  status: TrainerState['status'];
  graph: Graph;
  twoD: boolean;
  epochs: number;
  testMetric: number | null;
  metricName: string | null;
  /** Trainable weights (known once training started). */
  parameters: number | null;
}

export type AnalysisMethod = 'analysis.tree' | 'analysis.landscape' | 'analysis.compare' | 'analysis.sharpness';

export interface JobState {
  jobId: string;
  /** Which panel asked, and in words what is computed. */
  panel: 'tree' | 'landscape';
  what: string;
  phase: string;
  done: number;
  total: number;
  fraction: number | null;
  runId?: string;
  cancelling: boolean;
}

export interface LandscapeSettings {
  kind: '2d' | '1d';
  directions: 'random' | 'trajectory';
  grid: number;
  range: number;
  rho: number;
}

export interface AnalysisState {
  runs: SessionRun[];
  selectedRunId: string | null;
  view: 'tree' | 'landscape';
  job: JobState | null;
  treeMethod: 'exact' | 'cnet';
  treeLimit: number;
  tree: { runId: string; method: 'exact' | 'cnet'; limit: number; result: TreeAnalysis } | null;
  treeNote: string | null;
  landscapeSettings: LandscapeSettings;
  landscape: { runId: string; settings: LandscapeSettings; result: LandscapeAnalysis } | null;
  landscapeNote: string | null;
  compareIds: [string | null, string | null];
  compare: { runIds: string[]; result: CompareAnalysis } | null;
  compareNote: string | null;
}

export interface Analysis {
  store: StoreApi<AnalysisState>;
  /** Runs an analysis as a job: progress into `job`, cancellable; rejects with code 'cancelled' when cancelled. */
  run<M extends AnalysisMethod>(panel: JobState['panel'], what: string, method: M, params: Omit<RequestParams<M>, 'jobId'>): Promise<Responses[M]>;
  cancel(): Promise<void>;
  dispose(): void;
}

export const DEFAULT_TREE_LIMIT = 5000;
export const DEFAULT_LANDSCAPE: LandscapeSettings = { kind: '2d', directions: 'random', grid: 21, range: 1, rho: 0.05 };

const instances = new WeakMap<AppServices, Analysis>();

/** The app's analysis state, created the first time it is asked for (the tab button asks at start-up). */
export function analysisFor(app: AppServices): Analysis {
  let a = instances.get(app);
  if (!a) {
    a = createAnalysis(app);
    instances.set(app, a);
  }
  return a;
}

/** "#2 SGD + SAM ρ 0.05 · 40 epochs": optimizer and SAM are what tell the runs of one graph apart. */
export function runLabel(number: number, graph: Graph): string {
  const t = graph.training;
  const opt = t?.optimizer?.type ?? 'adam';
  const name = opt === 'sgd' ? 'SGD' : opt === 'adamw' ? 'AdamW' : 'Adam';
  const sam = t?.sam ? ` + SAM ρ ${t.sam.rho}` : '';
  return `#${number} ${name}${sam}`;
}

export function createAnalysis(app: AppServices): Analysis {
  const store = createStore<AnalysisState>()(() => ({
    runs: [],
    selectedRunId: null,
    view: 'tree',
    job: null,
    treeMethod: 'exact',
    treeLimit: DEFAULT_TREE_LIMIT,
    tree: null,
    treeNote: null,
    landscapeSettings: DEFAULT_LANDSCAPE,
    landscape: null,
    landscapeNote: null,
    compareIds: [null, null],
    compare: null,
    compareNote: null,
  }));
  let counter = 0;

  // Follow the trainer: every run it starts joins the list, newest selected.
  const track = (t: TrainerState) => {
    if (!t.runId || !t.graph) return;
    const s = store.getState();
    const known = s.runs.find((r) => r.runId === t.runId);
    const fields = { status: t.status, testMetric: t.lastTestMetric, metricName: t.metricName, epochs: t.epochs || known?.epochs || t.graph.training?.epochs || 0, parameters: t.parameters };
    if (known) {
      if (known.status !== fields.status || known.testMetric !== fields.testMetric || known.epochs !== fields.epochs || known.parameters !== fields.parameters) {
        store.setState({ runs: s.runs.map((r) => (r.runId === t.runId ? { ...r, ...fields } : r)) });
      }
      return;
    }
    const number = s.runs.length ? s.runs[s.runs.length - 1].number + 1 : 1;
    const run: SessionRun = {
      runId: t.runId,
      number,
      label: runLabel(number, t.graph),
      title: t.graph.meta?.title ?? 'Untitled graph',
      graph: t.graph,
      twoD: isTwoD(app.engine, t.graph),
      ...fields,
    };
    const runs = [...s.runs, run];
    const finished = runs.filter((r) => r.status !== 'error');
    store.setState({
      runs,
      selectedRunId: run.runId,
      compareIds: finished.length >= 2 ? [finished[finished.length - 2].runId, finished[finished.length - 1].runId] : s.compareIds,
    });
  };
  track(app.trainer.store.getState());
  const unTrain = app.trainer.store.subscribe((t) => track(t));
  const unPush = app.engine.client.onPush((push) => {
    if (push.type === 'engine' && push.state === 'restarted') {
      // The engine's runs are gone with it.
      store.setState({ runs: [], selectedRunId: null, tree: null, landscape: null, compare: null, compareIds: [null, null], job: null });
    }
    if (push.type !== 'analysis') return;
    const job = store.getState().job;
    if (!job || job.jobId !== push.jobId) return;
    const p = push.progress;
    store.setState({ job: { ...job, phase: p.phase, done: p.done, total: p.total, fraction: p.fraction, ...(p.runId ? { runId: p.runId } : {}) } });
  });

  const analysis: Analysis = {
    store,
    async run(panel, what, method, params) {
      const previous = store.getState().job;
      if (previous) void app.engine.client.request('analysis.cancel', { jobId: previous.jobId }).catch(() => {});
      const jobId = `a${Date.now().toString(36)}${(++counter).toString(36)}`;
      store.setState({ job: { jobId, panel, what, phase: 'starting', done: 0, total: 0, fraction: 0, cancelling: false } });
      try {
        return await app.engine.client.request(method as Method, { ...params, jobId } as never) as Responses[typeof method];
      } finally {
        if (store.getState().job?.jobId === jobId) store.setState({ job: null });
      }
    },
    async cancel() {
      const job = store.getState().job;
      if (!job) return;
      store.setState({ job: { ...job, cancelling: true } });
      await app.engine.client.request('analysis.cancel', { jobId: job.jobId }).catch(() => {});
    },
    dispose() {
      unTrain();
      unPush();
    },
  };
  return analysis;
}

/** True when the error is the engine saying the job was cancelled. */
export function wasCancelled(err: unknown): boolean {
  return (err as { code?: string })?.code === 'cancelled';
}
