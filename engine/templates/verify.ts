import type { BackendName } from '../backend/select.js';
import { CompiledModel } from '../compile/compile.js';
import { describeDataset, loadDataset } from '../data/registry.js';
import type { LoadedDataset } from '../data/spec.js';
import type { DatasetRef } from '../graph/schema.js';
import { validateGraph } from '../graph/validate.js';
import { trainGraph } from '../run/trainGraph.js';
import type { EpochEvent } from './analysis.js';
import type { LoadedTemplate } from './loadTemplate.js';
import { analysisNamed, analysisOf, trainingMetrics } from './metrics.js';
import { planRuns, templateRuns, type BudgetName, type PlannedRun } from './plan.js';
import { evaluateRule, lookupMetric, type RuleOutcome, type RunMetrics } from './rules.js';
import type { MetricRef, TemplateRule } from './templateSchema.js';

export interface RunReport {
  name: string;
  label: string;
  metrics: Record<string, number>;
  steps: number;
  elapsedMs: number;
  /** Why the run produced no model (a training error); its rules then fail. */
  error?: string;
}

export interface TemplateReport {
  name: string;
  title: string;
  budget: BudgetName;
  backend: string;
  pass: boolean;
  rules: RuleOutcome[];
  /** The template's `report` metrics, measured. */
  reported: { metric: string; of?: string; value: number }[];
  runs: RunReport[];
  elapsedMs: number;
}

export interface VerifyOptions {
  budget?: BudgetName;
  backend?: BackendName;
  /** Progress lines ("training run sgd…"); silent when absent. */
  onProgress?(message: string): void;
}

function rulesOf(t: LoadedTemplate): TemplateRule[] {
  return Array.isArray(t.template.claim) ? t.template.claim : [t.template.claim];
}

/** The metric references that fall on a run: explicit `of`, or every one when it is the only run. */
function refsOf(t: LoadedTemplate, run: string): MetricRef[] {
  const single = Object.keys(templateRuns(t.template)).length === 1;
  const refs: MetricRef[] = [];
  for (const rule of rulesOf(t)) refs.push(rule, ...(rule.than ? [rule.than] : []));
  refs.push(...(t.template.report ?? []));
  return refs.filter((r) => r.of === run || (r.of === undefined && single));
}

/**
 * Trains every run of a template at a budget, computes the metrics its rules and
 * report name, and checks the rules. A run that fails to train fails its rules with
 * the training error in the report; nothing here throws for a bad run.
 */
export async function verifyTemplate(t: LoadedTemplate, options: VerifyOptions = {}): Promise<TemplateReport> {
  const budget = options.budget ?? 'ci';
  const started = Date.now();
  const runs = planRuns(t.template, t.graph, budget);
  // Runs of one template usually share their dataset: load it once.
  const cache = new Map<string, Promise<LoadedDataset>>();
  const loadData = (ref: DatasetRef, seed: number) => {
    const key = JSON.stringify([ref, seed]);
    if (!cache.has(key)) cache.set(key, loadDataset(ref, seed, { baseDir: t.dir }));
    return cache.get(key)!;
  };
  const reports: RunReport[] = [];
  let backend = options.backend ?? '';
  for (const [i, run] of runs.entries()) {
    options.onProgress?.(`${t.name}: training run "${run.name}" (${i + 1}/${runs.length}, ${budget} budget)`);
    const report = await trainRun(t, run, { backend: options.backend, loadData });
    backend = report.backend || backend;
    reports.push(report.run);
  }
  const metrics: RunMetrics = Object.fromEntries(reports.map((r) => [r.name, r.metrics]));
  const rules = rulesOf(t).map((rule) => {
    const outcome = evaluateRule(rule, metrics);
    const failed = reports.find((r) => r.error && (r.name === rule.of || r.name === rule.than?.of || reports.length === 1));
    return failed && !outcome.pass ? { ...outcome, text: `${outcome.text} [run "${failed.name}" failed: ${failed.error}]` } : outcome;
  });
  return {
    name: t.name,
    title: t.template.title,
    budget,
    backend,
    pass: rules.every((r) => r.pass),
    rules,
    reported: (t.template.report ?? []).map((ref) => ({ ...ref, value: lookupMetric(ref, metrics) })),
    runs: reports,
    elapsedMs: Date.now() - started,
  };
}

async function trainRun(
  t: LoadedTemplate,
  run: PlannedRun,
  { backend, loadData }: { backend?: BackendName; loadData(ref: DatasetRef, seed: number): Promise<LoadedDataset> },
): Promise<{ run: RunReport; backend: string }> {
  const started = Date.now();
  const history: EpochEvent[] = [];
  let error: string | undefined;
  let data: LoadedDataset | null = null;
  const result = await trainGraph(run.graph, {
    backend,
    overrides: run.overrides,
    baseDir: t.dir,
    keepModel: true,
    loadData: async (ref, seed) => (data = await loadData(ref, seed)),
    onEvent: (e) => {
      if (e.event === 'epoch') history.push(e);
      if (e.event === 'error') error = e.message;
    },
  });
  const base = { name: run.name, label: run.label, steps: result.final?.steps ?? 0, elapsedMs: 0 };
  // The same ref and seed give the same data, from the cache when trainGraph used our loader.
  if (result.ok && !data) data = await loadData(run.graph.dataset, run.config.seed ?? 1).catch(() => null);
  if (!result.ok || !result.final || !result.model || !data) {
    result.model?.dispose();
    return { run: { ...base, metrics: {}, error: error ?? 'training did not finish', elapsedMs: Date.now() - started }, backend: '' };
  }
  const model = result.model;
  const metrics = trainingMetrics(result.final.metrics);
  try {
    const wanted = new Set(refsOf(t, run.name).map((r) => analysisOf(r.metric)?.name).filter((n): n is string => Boolean(n)));
    for (const name of wanted) {
      const analysis = analysisNamed(name)!;
      const values = await analysis.run({
        run: run.name,
        model,
        graph: run.graph,
        config: run.config,
        data,
        history,
        training: { ...metrics },
        compileFresh: () => new CompiledModel(run.graph, validateGraph(run.graph, { describeDataset: (ref) => describeDataset(ref, { baseDir: t.dir }) }), run.config.seed ?? 1),
        options: t.analysisOptions[name] ?? {},
      });
      Object.assign(metrics, values);
    }
  } catch (err) {
    error = `analysis failed: ${(err as Error).message}`;
  } finally {
    model.dispose();
  }
  return { run: { ...base, metrics, elapsedMs: Date.now() - started, ...(error ? { error } : {}) }, backend: result.final.backend };
}
