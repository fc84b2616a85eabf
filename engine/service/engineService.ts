import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { join } from 'node:path';
import { currentBackend, initBackend } from '../backend/select.js';
import { describeDataset } from '../data/registry.js';
import type { DatasetRef } from '../graph/schema.js';
import { validateGraph } from '../graph/validate.js';
import { getKind } from '../nodes/registry.js';
import {
  checkRequest,
  PROTOCOL_VERSION,
  type Method,
  type Push,
  type RequestParams,
  type Response,
  type Responses,
  type ValidationInfo,
} from '../protocol/messages.js';
import type { TensorType } from '../shapes/types.js';
import { decisionBoundary } from '../analysis/boundary.js';
import { AnalysisError, confusionMatrix } from '../analysis/confusion.js';
import { inspectNode } from '../analysis/inspect.js';
import { datasetPreview } from '../analysis/preview.js';
import { exportForProtocol } from '../export/exportGraph.js';
import { datasetInfos, nodeKindInfos } from './catalog.js';
import { DatasetCache } from './datasetCache.js';
import { DataImports } from './dataImport.js';
import { GraphMemory } from './graphMemory.js';
import { diffValidation } from '../protocol/validationChanges.js';
import { confinedDescribe } from './dataPaths.js';
import { packageRoot } from './paths.js';
import { RecoveryStore } from './recovery.js';
import { RunManager } from './runs.js';
import { AnalysisJobs } from './analysisJobs.js';
import { ServiceError } from './serviceError.js';
import { listTemplates, getTemplate } from './templates.js';
import { StepThrottle, DEFAULT_STEP_RATE } from './throttle.js';
import { Workspace } from './workspace.js';

export interface EngineServiceOptions {
  templatesDir: string;
  recoveryDir: string;
  workspaceDir: string;
  /** Pushes (training progress) go out through this. */
  push(push: Push): void;
  /** Step pushes per second per run. */
  stepRate?: number;
  /** Called on every training event; the worker reads its inbox here. */
  onTrainingTick?(): void;
  /** Dataset files only from the workspace (the browser mode shared on a network). */
  confineDataToWorkspace?: boolean;
}

/** What a handler returns: the result, and what to do once the reply is out (start a run). */
interface Outcome<M extends Method> {
  result: Responses[M];
  afterReply?: () => void;
}

type Handlers = { [M in Method]: (params: RequestParams<M>) => Promise<Outcome<M>> | Outcome<M> };

/**
 * The engine behind the protocol: one implementation of every request for every
 * transport (Electron IPC, the browser mode's WebSocket, tests). It checks every
 * request again with the protocol's schema (whatever the transport did), answers every
 * request with exactly one reply, and never throws at its caller.
 */
export class EngineService {
  private readonly cache: DatasetCache;
  private readonly runs: RunManager;
  private readonly recovery: RecoveryStore;
  private readonly workspace: Workspace;
  private readonly throttle: StepThrottle;
  private readonly handlers: Handlers;
  private readonly analysis: AnalysisJobs;
  private readonly imports: DataImports;
  private readonly graphs = new GraphMemory<ValidationInfo>();
  /** Nodes and edges of remembered graphs are immutable: their schema checks are kept. */
  private readonly itemChecks = new WeakMap<object, z.ZodSafeParseResult<unknown>>();

  constructor(private options: EngineServiceOptions) {
    this.cache = new DatasetCache(options.workspaceDir);
    this.recovery = new RecoveryStore(options.recoveryDir);
    this.workspace = new Workspace(options.workspaceDir);
    this.imports = new DataImports(options.workspaceDir);
    this.throttle = new StepThrottle((runId, event) => {
      options.push({ type: 'train', runId, event });
      if (event.event === 'done' || event.event === 'error') this.throttle.forget(runId);
    }, options.stepRate ?? DEFAULT_STEP_RATE);
    this.runs = new RunManager({
      emit: (runId, event) => {
        this.analysis.observeTraining(runId, event);
        this.throttle.push(runId, event);
      },
      data: this.cache,
      baseDir: options.workspaceDir,
      describe: this.describe,
      onTick: options.onTrainingTick,
    });
    this.analysis = new AnalysisJobs({ trained: (id) => this.runs.trained(id), status: (id) => this.runs.status(id), describe: this.describe, push: options.push });
    this.handlers = this.createHandlers();
  }

  /** Answers one raw request through `reply` (exactly once), then runs what follows the reply. */
  async handle(raw: unknown, reply: (response: Response) => void): Promise<void> {
    const checked = checkRequest(raw);
    if (!checked.ok) {
      reply({ id: checked.id ?? -1, ok: false, error: { code: 'bad-request', message: checked.message } });
      return;
    }
    let outcome: Outcome<Method>;
    try {
      const handler = this.handlers[checked.method] as (params: unknown) => Promise<Outcome<Method>> | Outcome<Method>;
      outcome = await handler(checked.params);
    } catch (err) {
      reply({ id: checked.id, ok: false, error: errorOf(err) });
      return;
    }
    reply({ id: checked.id, ok: true, result: outcome.result });
    outcome.afterReply?.();
  }

  /** `handle` as a promise of the reply (in-process use and tests). */
  request(raw: unknown): Promise<Response> {
    return new Promise((resolve) => void this.handle(raw, resolve));
  }

  async dispose(): Promise<void> {
    this.analysis.dispose();
    await this.runs.dispose();
    this.throttle.dispose();
    this.cache.clear();
    this.graphs.clear();
    await this.imports.dispose();
  }

  private describe = (ref: DatasetRef) =>
    this.options.confineDataToWorkspace ? confinedDescribe(this.options.workspaceDir)(ref) : describeDataset(ref, { baseDir: this.options.workspaceDir });

  private createHandlers(): Handlers {
    return {
      'kinds.list': () => ({ result: nodeKindInfos() }),
      'datasets.list': () => ({ result: datasetInfos() }),
      'graph.validate': (params) => {
        const info = this.validate(this.graphs.resolve(params));
        if (params.remember) this.graphs.keepAnswer(params.remember, info);
        return { result: info };
      },
      'graph.revalidate': (params) => {
        const before = this.graphs.answerFor(params.delta.base);
        const info = this.validate(this.graphs.resolve(params));
        this.graphs.keepAnswer(params.remember, info);
        return { result: before ? { changes: diffValidation(params.delta.base, before, info) } : { full: info } };
      },
      'dataset.preview': async ({ dataset, limit, seed }) => {
        const described = this.describe(dataset);
        const errors = described.problems.filter((p) => p.severity === 'error');
        if (errors.length) throw new ServiceError('dataset', errors.map((p) => p.message).join('\n'));
        return { result: datasetPreview(await this.cache.get(dataset, seed ?? 1), limit) };
      },
      'train.start': ({ graph, overrides, backend }) => {
        const { runId, launch } = this.runs.start(graph, overrides ?? {}, backend);
        return { result: { runId }, afterReply: launch };
      },
      'train.stop': async ({ runId }) => ({ result: { stopped: await this.runs.stop(runId) } }),
      'train.resume': ({ runId, epochs }) => {
        const { launch } = this.runs.resume(runId, epochs);
        return { result: { runId }, afterReply: launch };
      },
      'model.boundary': async ({ runId, resolution }) => {
        const { model, data } = await this.runs.trained(runId);
        return { result: await decisionBoundary(model, data, resolution) };
      },
      'model.inspect': async ({ runId, nodeId, sample }) => {
        const { model, data } = await this.runs.trained(runId);
        return { result: await inspectNode(model, data, nodeId, sample) };
      },
      'model.confusion': async ({ runId }) => {
        const { model, data } = await this.runs.trained(runId);
        return { result: await confusionMatrix(model, data) };
      },
      'templates.list': async () => ({ result: await listTemplates(this.options.templatesDir) }),
      'templates.get': async ({ name }) => ({ result: await getTemplate(this.options.templatesDir, name) }),
      'recovery.save': async ({ key, text }) => {
        await this.recovery.save(key, text);
        return { result: { saved: true } };
      },
      'recovery.load': async ({ key }) => ({ result: await this.recovery.load(key) }),
      'recovery.clear': async ({ key }) => ({ result: { cleared: await this.recovery.clear(key) } }),
      'engine.info': async () => {
        let report = currentBackend();
        if (!report) report = await initBackend().catch(() => null);
        return {
          result: {
            protocol: PROTOCOL_VERSION,
            backend: report?.label ?? null,
            backendName: report?.name ?? null,
            backendSkipped: report?.skipped ?? [],
            version: packageVersion(),
          },
        };
      },
      'model.export': async ({ graph, target, runId }) => {
        const weights = runId ? (await this.runs.trained(runId)).model.weights() : undefined;
        const bundle = exportForProtocol(graph, target, { weights });
        return { result: bundle };
      },
      'files.list': async () => ({ result: { workspace: this.workspace.dir, files: await this.workspace.list() } }),
      'files.read': async ({ name }) => ({ result: { name, text: await this.workspace.read(name) } }),
      'files.write': async ({ name, text }) => {
        await this.workspace.write(name, text);
        return { result: { name, saved: true } };
      },
      'analysis.tree': async (p) => ({ result: await this.analysis.tree(p) }),
      'analysis.landscape': async (p) => ({ result: await this.analysis.landscape(p) }),
      'analysis.sharpness': async (p) => ({ result: await this.analysis.sharpness(p) }),
      'analysis.compare': async (p) => ({ result: await this.analysis.compare(p) }),
      'analysis.cancel': ({ jobId }) => ({ result: { cancelled: this.analysis.cancel(jobId) } }),
      'data.importBegin': async (p) => ({ result: await this.imports.begin(p) }),
      'data.importFile': async (p) => ({ result: await this.imports.file(p) }),
      'data.importEnd': async (p) => {
        const result = await this.imports.end(p);
        // A re-import under the same name must not be answered from the old data.
        this.cache.clear();
        return { result };
      },
      'data.importCancel': async (p) => ({ result: await this.imports.cancel(p) }),
    };
  }

  /** Problems, shapes on every edge, memory, and the parameter count when the graph compiles. */
  private validate(graph: unknown): ValidationInfo {
    const v = validateGraph(graph, { describeDataset: this.describe, itemChecks: this.itemChecks });
    const compilable = v.graph !== null && !v.problems.some((p) => p.severity === 'error');
    return {
      problems: v.problems,
      outputTypes: v.outputTypes,
      edgeTypes: v.edgeTypes,
      memory: v.memory,
      parameters: compilable ? countParameters(v.order, v.nodes, v.edges, v.outputTypes) : null,
    };
  }
}

/** Parameters from the kinds' variable specs, without allocating anything. */
function countParameters(
  order: string[],
  nodes: ReturnType<typeof validateGraph>['nodes'],
  edges: ReturnType<typeof validateGraph>['edges'],
  outputTypes: Record<string, Record<string, TensorType>>,
): number {
  let total = 0;
  const incoming = new Map<string, ReturnType<typeof validateGraph>['edges']>();
  for (const e of edges) {
    const list = incoming.get(e.target);
    if (list) list.push(e);
    else incoming.set(e.target, [e]);
  }
  for (const id of order) {
    const checked = nodes.get(id);
    const kind = checked && getKind(checked.node.type);
    if (!checked || !kind?.variables) continue;
    const inputs: Record<string, TensorType> = {};
    for (const e of incoming.get(id) ?? []) if (outputTypes[e.source]?.[e.sourcePort]) inputs[e.targetPort] = outputTypes[e.source][e.sourcePort];
    for (const spec of kind.variables(checked.params, inputs)) total += spec.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

function errorOf(err: unknown): { code: string; message: string } {
  if (err instanceof ServiceError || err instanceof AnalysisError) return { code: err.code, message: err.message };
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return { code: 'forbidden', message: e.message };
  if (e?.code === 'ENOSPC') return { code: 'disk-full', message: 'the disk is full: nothing was written' };
  return { code: 'internal', message: `internal engine error: ${(err as Error)?.message ?? String(err)}` };
}

let version: string | null = null;
function packageVersion(): string {
  if (version === null) {
    try {
      version = String((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown }).version ?? '0.0.0');
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}
