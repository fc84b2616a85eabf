import type { Graph, TrainingConfig } from '../graph/schema.js';
import { DEFAULT_TRAINING, TrainingSchema } from '../graph/schema.js';
import { applyGraphPatch, mergeDataset } from './graphPatch.js';
import { DEFAULT_RUN, type Budget, type Template, type TemplateRun } from './templateSchema.js';

/** One training run as verify will do it: the graph to train and the overrides to train it with. */
export interface PlannedRun {
  name: string;
  label: string;
  graph: Graph;
  overrides: Partial<TrainingConfig>;
  /** The settings the run trains with (graph → budget → run), for analyses and reports. */
  config: TrainingConfig;
}

export type BudgetName = 'full' | 'ci';

/** The template's runs by name; the implicit single run when it declares none. */
export function templateRuns(template: Template): Record<string, TemplateRun> {
  return template.runs && Object.keys(template.runs).length ? template.runs : { [DEFAULT_RUN]: {} };
}

export function budgetOf(template: Template, budget: BudgetName): Budget {
  return budget === 'full' ? template.budget : (template.ciBudget ?? template.budget);
}

function split(b: Budget | undefined): { training: Partial<TrainingConfig>; dataset?: Budget['dataset'] } {
  const { dataset, ...training } = b ?? {};
  return { training, dataset };
}

/**
 * The runs of a template at a budget, in declaration order. Throws GraphPatchError
 * for a patch that does not fit the graph, and an Error when the merged training
 * settings are not valid (e.g. a budget with a zero learning rate).
 */
export function planRuns(template: Template, graph: Graph, budget: BudgetName): PlannedRun[] {
  const b = split(budgetOf(template, budget));
  return Object.entries(templateRuns(template)).map(([name, run]) => {
    const r = split(run.overrides);
    let patched = applyGraphPatch(graph, run.graphPatch);
    if (b.dataset) patched = { ...patched, dataset: mergeDataset(patched.dataset, b.dataset) };
    if (r.dataset) patched = { ...patched, dataset: mergeDataset(patched.dataset, r.dataset) };
    const overrides = { ...b.training, ...r.training };
    const merged = TrainingSchema.safeParse({ ...DEFAULT_TRAINING, ...graph.training, ...overrides });
    if (!merged.success) {
      throw new Error(`run "${name}": the training settings are not valid: ${merged.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return { name, label: run.label ?? name, graph: patched, overrides, config: merged.data };
  });
}
