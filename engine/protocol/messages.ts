import { z } from 'zod';
import { DatasetRefSchema, TrainingSchema } from '../graph/schema.js';
import { GraphDeltaSchema, GraphRefSchema } from './graphDelta.js';
import type { ValidationUpdate } from './validationChanges.js';
import type { Problem } from '../graph/problems.js';
import type { ParamSpec } from '../nodes/params.js';
import type { NodeGroup } from '../nodes/kind.js';
import type { TensorType } from '../shapes/types.js';
import type { TrainEvent } from '../train/events.js';

/**
 * The one typed protocol between the renderer and the engine service. The same
 * schemas validate every message on both sides of every transport (Electron IPC and
 * the browser mode's WebSocket); this module imports no TensorFlow.js, so the
 * renderer can use it.
 */
export const PROTOCOL_VERSION = 1;

/** Largest message accepted on any transport (a graph of 100k nodes fits). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const runId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const nodeId = z.string().min(1).max(128);
/**
 * A graph file in the browser mode's workspace: a bare name ending in `.loom.json`, no
 * folders, no leading dot, none of the characters file systems refuse. The service
 * checks the resolved path again (symlinks included) before touching the disk.
 */
export const WORKSPACE_FILE_NAME = /^(?!\.)[^/\\:*?"<>|\u0000-\u001f]{1,200}\.loom\.json$/u;
const workspaceFile = z.string().max(220).regex(WORKSPACE_FILE_NAME, 'must be a file name ending in .loom.json, without folders');
/** Graphs are validated by the engine's validator, which reports problems instead of refusing. */
const anyGraph = z.unknown();
/** Chosen by the client, so it can match progress pushes and cancel before the reply. */
const jobId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const analysisJob = { jobId: jobId.optional() };
/**
 * An imported dataset's name in the workspace's `data/` folder (`data/<name>.csv` or
 * `data/<name>/`): letters, digits, `_ . -`, no leading dot, so never a path.
 */
export const DATA_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
/** One picture of an imported image folder: `class/file.png`, two plain names. */
export const DATA_IMAGE_FILE = /^(?!\.)[^/\\:*?"<>|\u0000-\u001f]{1,120}\/(?!\.)[^/\\:*?"<>|\u0000-\u001f]{1,200}\.(png|jpe?g)$/iu;
/** Largest import: what the engine may hold decoded in memory stays far above this for pictures. */
export const MAX_IMPORT_BYTES = { csv: 256 * 1024 * 1024, images: 2 * 1024 * 1024 * 1024 } as const;
/** Content per importFile message, below the message cap once base64-encoded with its envelope. */
export const MAX_IMPORT_CHUNK_CHARS = 12 * 1024 * 1024;
const importId = z.string().length(16).regex(/^[0-9a-f]+$/);

export const RequestSchemas = {
  /** Node kinds of the registry: palette, inspector forms, docs. */
  'kinds.list': z.object({}),
  /** Datasets and their parameter forms. */
  'datasets.list': z.object({}),
  /**
   * Validation and shape inference of a graph (on every edit): the whole `graph`, or a
   * `delta` from one sent earlier with `remember` (an unknown base is refused with code
   * "unknown-graph", and the client sends the whole graph again).
   */
  'graph.validate': z
    .object({ graph: anyGraph.optional(), delta: GraphDeltaSchema.optional(), remember: GraphRefSchema.optional() })
    .refine((p) => (p.graph !== undefined) !== (p.delta !== undefined), 'give either graph or delta'),
  /**
   * Validation of a graph given as a delta from a remembered one, answered as the
   * changes from that graph's answer (`{changes}`), or in full (`{full}`) when the
   * engine kept no answer for it. The result is remembered as `remember`.
   */
  'graph.revalidate': z.object({ delta: GraphDeltaSchema, remember: GraphRefSchema }),
  /** A sample of a dataset for the preview (scatter for 2-D, image grid for MNIST). */
  'dataset.preview': z.object({ dataset: DatasetRefSchema, limit: z.number().int().min(1).max(5000), seed: z.number().int().min(0).max(2 ** 31 - 1).optional() }),
  'train.start': z.object({ graph: anyGraph, overrides: TrainingSchema.partial().optional(), backend: z.enum(['tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu']).optional() }),
  'train.stop': z.object({ runId }),
  /**
   * Continue a stopped run where it stopped (same weights, optimizer state, step).
   * `epochs` is the number of further epochs; without it a stopped run trains to its
   * planned total, and a finished run trains its planned number of epochs once more.
   */
  'train.resume': z.object({ runId, epochs: z.number().int().min(1).max(100000).optional() }),
  /** Class probabilities on a grid over a 2-D dataset's range (decision boundary). */
  'model.boundary': z.object({ runId, resolution: z.number().int().min(4).max(200) }),
  /** Activations of one node on one sample and over a batch, and its weights. */
  'model.inspect': z.object({ runId, nodeId, sample: z.number().int().min(0).max(1e7) }),
  /** Confusion matrix on the test split. */
  'model.confusion': z.object({ runId }),
  'templates.list': z.object({}),
  'templates.get': z.object({ name: z.string().min(1).max(100).regex(/^[a-z0-9-]+$/) }),
  /** Autosave of the open graph to the recovery file, and its recovery on start. */
  'recovery.save': z.object({ key: z.string().min(1).max(200), text: z.string().max(MAX_MESSAGE_BYTES) }),
  'recovery.load': z.object({ key: z.string().min(1).max(200) }),
  'recovery.clear': z.object({ key: z.string().min(1).max(200) }),
  'engine.info': z.object({}),
  /** Generated code (PyTorch module or TensorFlow.js module) for a graph, with a run's trained weights or the initial ones. */
  'model.export': z.object({ graph: anyGraph, target: z.enum(['pytorch', 'tfjs']), runId: runId.optional() }),
  /** Browser mode's graph files, in the workspace folder the server was given. */
  'files.list': z.object({}),
  'files.read': z.object({ name: workspaceFile }),
  /** Atomic: a reader or a crash sees the old file or the new one, never a mix. */
  'files.write': z.object({ name: workspaceFile, text: z.string().max(MAX_MESSAGE_BYTES) }),
  /**
   * Analyses of a trained run (see AnalysisJob below): each answers once it is done,
   * pushes `{type: 'analysis', jobId, progress}` meanwhile, and stops on `analysis.cancel`.
   * They work on a copy of the run's weights, so a run may keep training meanwhile.
   */
  'analysis.tree': z.object({ ...analysisJob, runId, method: z.enum(['exact', 'cnet']), limit: z.number().int().min(1).max(200000).optional() }),
  'analysis.landscape': z.object({
    ...analysisJob,
    runId,
    kind: z.enum(['1d', '2d']),
    /** Points per axis (odd puts the trained weights on the grid). */
    grid: z.number().int().min(3).max(101).optional(),
    /** The axes span [−range, range]; for the training path, its extent when left out. */
    range: z.number().positive().max(1000).optional(),
    directions: z.enum(['random', 'trajectory']).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    /** Sharpness radius measured beside the landscape. */
    rho: z.number().positive().max(100).optional(),
    /** Examples of the training split evaluated (the first ones); default 10,000. */
    samples: z.number().int().min(1).max(10_000_000).optional(),
  }),
  'analysis.sharpness': z.object({ ...analysisJob, runId, rho: z.number().positive().max(100), steps: z.number().int().min(0).max(100).optional(), samples: z.number().int().min(1).max(10_000_000).optional() }),
  /** 1-D slices of several runs along the same seeded direction (filter-normalised to each), with their sharpness. */
  'analysis.compare': z.object({
    ...analysisJob,
    runIds: z.array(runId).min(2).max(4),
    points: z.number().int().min(3).max(201).optional(),
    range: z.number().positive().max(1000).optional(),
    rho: z.number().positive().max(100).optional(),
    samples: z.number().int().min(1).max(10_000_000).optional(),
  }),
  'analysis.cancel': z.object({ jobId }),
  /**
   * Copies a user's data file (CSV) or folder of class sub-folders (pictures) into the
   * workspace's `data/` folder, where datasets can read it: a browser page has no paths.
   * Begin announces the total, each importFile carries one file's content (or a further
   * chunk of it with `append`), End moves the whole import into place at once
   * (replacing an earlier import of the same name); Cancel drops it.
   */
  'data.importBegin': z.object({
    name: z.string().regex(DATA_NAME, 'must be letters, digits, _ . - (no leading dot), at most 80 characters'),
    kind: z.enum(['csv', 'images']),
    files: z.number().int().min(1).max(200_000),
    bytes: z.number().int().min(0).max(MAX_IMPORT_BYTES.images),
  }),
  'data.importFile': z
    .object({
      importId,
      /** Images: `class/file.png`; CSV: left out (the file is `<name>.csv`). */
      file: z.string().max(330).regex(DATA_IMAGE_FILE, 'must be class/file.png (or .jpg, .jpeg)').optional(),
      text: z.string().max(MAX_IMPORT_CHUNK_CHARS).optional(),
      base64: z.string().max(MAX_IMPORT_CHUNK_CHARS).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64').optional(),
      /** A further chunk of the same file, added at its end. */
      append: z.boolean().optional(),
    })
    .refine((p) => (p.text === undefined) !== (p.base64 === undefined), 'give either text or base64'),
  'data.importEnd': z.object({ importId }),
  'data.importCancel': z.object({ importId }),
} as const;

export type Method = keyof typeof RequestSchemas;
export type RequestParams<M extends Method> = z.infer<(typeof RequestSchemas)[M]>;

export const RequestSchema = z.object({
  id: z.number().int().min(0),
  method: z.string().max(64),
  params: z.unknown(),
});

export interface NodeKindInfo {
  type: string;
  group: NodeGroup;
  summary: string;
  doc: string;
  role?: 'input' | 'loss';
  inputs: { name: string; doc: string; optional?: boolean }[];
  outputs: { name: string; doc: string }[];
  params: Record<string, ParamSpec>;
}

export interface DatasetInfo {
  name: string;
  summary: string;
  doc: string;
  params: Record<string, ParamSpec | { kind: 'string'; default: string; doc: string; required?: boolean; format?: 'path' }>;
  twoD: boolean;
  /** The dataset has its own train/test split (testFraction is ignored). */
  ownSplit: boolean;
}

export interface ValidationInfo {
  problems: Problem[];
  outputTypes: Record<string, Record<string, TensorType>>;
  edgeTypes: (TensorType | null)[];
  memory: { bytes: number; limit: number } | null;
  parameters: number | null;
}

export interface DatasetPreview {
  spec: { name: string; task: string; x: TensorType; y: TensorType; numClasses?: number; classNames?: string[] };
  x: number[][];
  y: number[];
  trainCount: number;
  testCount: number;
}

export interface TemplateInfo {
  name: string;
  title: string;
  article: string;
  summary: string;
}

export interface TemplateContent extends TemplateInfo {
  /** The graph file's text, as on disk. */
  graph: string;
  readme: string;
  claim: unknown;
  budget: unknown;
}

export interface BoundaryGrid {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  resolution: number;
  /** Predicted class per cell, row-major from yMin. */
  classes: number[];
  /** Probability of the predicted class per cell. */
  confidence: number[];
}

export interface NodeInspection {
  nodeId: string;
  /** Outputs of the node on the chosen sample, flattened per port. */
  sample: Record<string, { shape: number[]; values: number[] }>;
  /** Histogram of the node's outputs over a batch. */
  histogram: { min: number; max: number; counts: number[] } | null;
  /** Values are cut to the first MAX_INSPECT_VALUES (then `truncated`); the histogram covers all. */
  weights: Record<string, { shape: number[]; values: number[]; truncated?: boolean; histogram: { min: number; max: number; counts: number[] } }>;
  /** MoE: tokens per expert; Script: function chosen per element. */
  routing?: number[];
  functionRouting?: number[][];
}

/** Most values of one weight tensor or activation sent to the renderer. */
export const MAX_INSPECT_VALUES = 65536;

/** An export bundle: the main code file for the code view, and every file (binary ones in base64) for Save As. */
export interface ExportResult {
  target: 'pytorch' | 'tfjs';
  language: 'python' | 'javascript';
  mainFile: string;
  code: string;
  files: { name: string; text?: string; base64?: string }[];
}

export interface EngineInfo {
  protocol: number;
  /** What the status bar shows, e.g. "WebAssembly (SIMD)". */
  backend: string | null;
  /** The backend's id (engine/backend/select.ts BACKEND_ORDER): tensorflow-gpu, tensorflow, native, wasm or cpu. */
  backendName: string | null;
  backendSkipped: { name: string; reason: string }[];
  version: string;
}

/** One node of a decision tree as the panel draws it (ids refer to other nodes of the list). */
export interface TreeWireNode {
  id: number;
  parent: number | null;
  depth: number;
  kind: 'split' | 'leaf';
  /** Training examples that reach the node, and the network's predicted class among them. */
  samples: number;
  classCounts: number[];
  /** Split: the test on the input, e.g. `0.83·x0 − 1.2·x1 + 0.4 > 0`; `yes` holds where it is true. */
  rule?: string;
  /** Children; null where that side was not built (the limit, or proved empty). */
  yes?: number | null;
  no?: number | null;
  /** Exact tree: the hidden unit whose sign the split tests, e.g. `relu1 #3`. */
  unit?: string;
  /** C-Net: the univariate test on the last hidden layer, e.g. `H3 ≤ 0.52`. */
  hidden?: string;
  /** C-Net with several hidden layers: false where the input rule holds in one activation region only. */
  exact?: boolean;
  /** Leaf: the predicted class. */
  class?: number;
  /** Exact-tree leaf on few inputs: its linear model, one affine function per output. */
  model?: string[];
}

/** A leaf's region of a 2-D input plane, clipped to the plotted box. */
export interface TreeRegion {
  leaf: number;
  class: number;
  polygon: [number, number][];
}

export interface TreeAnalysis {
  method: 'exact' | 'cnet';
  /** Share of the sample where the tree predicts what the network predicts (0 to 1). */
  fidelity: number;
  fidelitySamples: number;
  /** Test accuracy of the tree and of the network (classification). */
  accuracy: number | null;
  networkAccuracy: number | null;
  size: number;
  depth: number;
  regions: number;
  inputDim: number;
  featureNames: string[];
  classNames: string[];
  root: number | null;
  /** The tree, breadth first; for big trees only its top part (see `summary`). */
  nodes: TreeWireNode[];
  /** Root-to-leaf rules as text; for big trees the first ones (`rulesTotal` counts all). */
  rules: { leaf: number; conditions: string[]; conclusion: string }[];
  rulesTotal: number;
  /** Why only part of the tree was sent, and how to get all of it. */
  summary?: string;
  /** The node limit was reached: the tree is incomplete (the exponential-size warning is in `warning`). */
  truncated: boolean;
  limit: number | null;
  warning?: string;
  /** 2-D inputs: each leaf's region over the box the decision boundary covers. */
  plane?: { xMin: number; xMax: number; yMin: number; yMax: number; regions: TreeRegion[]; approximate: boolean };
  exact?: { complete: boolean; coverage: number; addedOnDemand: number; regionBound: number | null; hiddenUnits: number; lp: { used: boolean; checks: number; pruned: number } };
  cnet?: { trainFidelity: number; inputRuleFidelity: number; hiddenLayer: { nodeId: string; width: number }; exactRules: boolean };
  elapsedMs: number;
}

/** Sharpness as the SAM article defines it: max over ‖ε‖₂ ≤ ρ of L(w + ε) − L(w), two estimates. */
export interface SharpnessInfo {
  rho: number;
  /** L(w) and ‖∇L(w)‖₂. */
  loss: number;
  gradNorm: number;
  /** At the article's first-order step ε̂ = ρ·g/‖g‖. */
  firstOrder: number;
  /** Best point of a few steps of projected gradient ascent (≥ firstOrder). */
  ascent: number;
  ascentPath: number[];
}

interface LandscapeCommon {
  directions: 'random' | 'trajectory';
  split: 'train' | 'test';
  /** Examples the losses are averaged over, and how many the split has. */
  samples: number;
  splitSize: number;
  /** L(w): the loss at the trained weights. */
  centerLoss: number;
  sharpness?: SharpnessInfo;
  /** The run was still training: its weights as they were at this step. */
  trainingStep?: number;
  elapsedMs: number;
}

export interface Landscape2D extends LandscapeCommon {
  kind: '2d';
  xs: number[];
  ys: number[];
  /** grid[j][i] = L(w + xs[i]·d₁ + ys[j]·d₂): rows follow ys. */
  grid: number[][];
  min: { x: number; y: number; loss: number };
  /** Training path: each snapshot's coordinates, and the share of its variance along each axis. */
  path?: { x: number; y: number }[];
  explained?: [number, number];
}

export interface Landscape1D extends LandscapeCommon {
  kind: '1d';
  /** losses[i] = L(w + alphas[i]·d). */
  alphas: number[];
  losses: number[];
  explained?: number;
}

export type LandscapeAnalysis = Landscape1D | Landscape2D;

export interface CompareAnalysis {
  alphas: number[];
  runs: { runId: string; centerLoss: number; losses: number[]; samples: number; sharpness?: SharpnessInfo }[];
}

export interface Responses {
  'kinds.list': NodeKindInfo[];
  'datasets.list': DatasetInfo[];
  'graph.validate': ValidationInfo;
  'graph.revalidate': ValidationUpdate;
  'dataset.preview': DatasetPreview;
  'train.start': { runId: string };
  'train.stop': { stopped: boolean };
  'train.resume': { runId: string };
  'model.boundary': BoundaryGrid;
  'model.inspect': NodeInspection;
  'model.confusion': { classes: string[]; matrix: number[][] };
  'templates.list': TemplateInfo[];
  'templates.get': TemplateContent;
  'recovery.save': { saved: boolean };
  'recovery.load': { text: string | null; savedAt: number | null };
  'recovery.clear': { cleared: boolean };
  'engine.info': EngineInfo;
  'model.export': ExportResult;
  'files.list': { workspace: string; files: WorkspaceFile[] };
  'files.read': { name: string; text: string };
  'files.write': { name: string; saved: boolean };
  'analysis.tree': TreeAnalysis;
  'analysis.landscape': LandscapeAnalysis;
  'analysis.sharpness': SharpnessInfo;
  'analysis.compare': CompareAnalysis;
  'analysis.cancel': { cancelled: boolean };
  'data.importBegin': { importId: string };
  'data.importFile': { bytes: number };
  'data.importEnd': DataImportResult;
  'data.importCancel': { cancelled: boolean };
}

export interface DataImportResult {
  /** The dataset's path param, relative to the workspace: `data/<name>.csv` or `data/<name>`. */
  path: string;
  files: number;
  bytes: number;
  /** An earlier import of the same name was replaced. */
  replaced: boolean;
}

export interface WorkspaceFile {
  name: string;
  size: number;
  modifiedMs: number;
}

export type Response =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string } };

/** Pushed by the engine without a request: training progress of a run. */
export interface TrainPush {
  type: 'train';
  runId: string;
  event: TrainEvent;
}

/** Pushed when the engine's worker crashed and was restarted. */
export interface EnginePush {
  type: 'engine';
  state: 'crashed' | 'restarted';
  message: string;
}

/** Pushed while an analysis runs (at most ~10 a second per job). */
export interface AnalysisPush {
  type: 'analysis';
  jobId: string;
  progress: AnalysisProgressInfo;
}

export interface AnalysisProgressInfo {
  /** What is being computed: 'tree', 'centre', 'grid', 'slice', 'sharpness'. */
  phase: string;
  done: number;
  total: number;
  /** Share of the whole job done, 0 to 1 (null when unknown, e.g. while a tree is built). */
  fraction: number | null;
  /** Which run, when several are compared. */
  runId?: string;
}

export type Push = TrainPush | EnginePush | AnalysisPush;

export const ResponseSchema = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

export const PushSchema = z.union([
  z.object({ type: z.literal('train'), runId: z.string(), event: z.object({ event: z.string() }).passthrough() }),
  z.object({ type: z.literal('engine'), state: z.enum(['crashed', 'restarted']), message: z.string() }),
  z.object({
    type: z.literal('analysis'),
    jobId: z.string(),
    progress: z.object({ phase: z.string(), done: z.number(), total: z.number(), fraction: z.number().min(0).max(1).nullable(), runId: z.string().optional() }),
  }),
]);

/** Checks a request's method and params; returns an error message instead of throwing. */
export function checkRequest(raw: unknown): { ok: true; id: number; method: Method; params: unknown } | { ok: false; id: number | null; message: string } {
  const envelope = RequestSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, id: null, message: 'malformed request: expected {id, method, params}' };
  const { id, method, params } = envelope.data;
  if (!Object.hasOwn(RequestSchemas, method)) return { ok: false, id, message: `unknown method "${method}"` };
  const checked = RequestSchemas[method as Method].safeParse(params ?? {});
  if (!checked.success) {
    const first = checked.error.issues[0];
    return { ok: false, id, message: `invalid params for ${method}: ${first.path.join('.') || '(root)'} ${first.message}` };
  }
  return { ok: true, id, method: method as Method, params: checked.data };
}
