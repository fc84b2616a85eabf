import { z } from 'zod';
import { DatasetRefSchema, NodeSchema, EdgeSchema, TrainingSchema } from '../graph/schema.js';

/**
 * `templates/<name>/template.json`: an article's claim as rules a machine can check.
 * Pure data, like the graph format: `tensorloom verify` trains the template's runs,
 * computes the metrics the rules name, and compares. The format is documented for
 * template authors in templates/README.md; keep the two in step.
 */

const name = z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'use letters, digits, _ and -, starting with a letter');
const paramValue = z.union([z.number().finite(), z.boolean(), z.string().max(1000)]);

/** Overrides of the dataset's params (merged into the graph's) and of its test share. */
export const DatasetOverrideSchema = z.strictObject({
  params: z.record(z.string(), paramValue).optional(),
  testFraction: DatasetRefSchema.shape.testFraction,
});

/**
 * A training budget: overrides of the graph's `training` (any of its keys; `optimizer`
 * replaces the whole optimizer object), plus optional dataset overrides (e.g. fewer
 * MNIST samples for the CI budget).
 */
export const BudgetSchema = TrainingSchema.partial().extend({ dataset: DatasetOverrideSchema.optional() }).strict();

/** Edits that turn the template's graph into a variant (e.g. "without dropout"). Applied in the order listed here. */
export const GraphPatchSchema = z.strictObject({
  /** Node ids to delete, with every edge touching them. */
  removeNodes: z.array(z.string()).optional(),
  /**
   * Node ids to take out of the path: each must have one input edge; every edge leaving
   * it is rewired to come from that input's source instead, then the node is removed.
   */
  bypass: z.array(z.string()).optional(),
  /** Param values to set, by node id then param name. */
  setParams: z.record(z.string(), z.record(z.string(), paramValue)).optional(),
  addNodes: z.array(NodeSchema).optional(),
  addEdges: z.array(EdgeSchema).optional(),
  /** Edges to delete, matched on source/target (and ports when given). */
  removeEdges: z.array(EdgeSchema.omit({ id: true })).optional(),
  dataset: DatasetOverrideSchema.optional(),
});

/** One training run of the template: the graph (optionally patched) under its own training overrides. */
export const RunSchema = z.strictObject({
  label: z.string().max(200).optional(),
  /** Training overrides for this run only; applied after the budget, so keep budget keys (epochs…) in the budget. */
  overrides: BudgetSchema.optional(),
  graphPatch: GraphPatchSchema.optional(),
});

export const ComparisonSchema = z.enum(['>=', '>', '<=', '<', '==']);

/** A metric of one run: `of` names the run (may be omitted when the template has one run). */
export const MetricRefSchema = z.strictObject({
  metric: name,
  of: name.optional(),
});

/**
 * One checkable rule: `metric(of) comparison value`, or against another metric:
 * `metric(of) comparison factor · than.metric(than.of) + offset`.
 * With `decimals`, the measured value is first cut to that many decimals (`rounding`:
 * "truncate", the default, as articles print them, or "round"); `==` then compares
 * those digits exactly. Without `decimals`, `==` allows `tolerance` (default 1e-9).
 */
export const RuleSchema = MetricRefSchema.extend({
  description: z.string().min(1).max(500),
  comparison: ComparisonSchema,
  value: z.number().finite().optional(),
  than: MetricRefSchema.extend({
    factor: z.number().finite().optional(),
    offset: z.number().finite().optional(),
  }).strict().optional(),
  decimals: z.number().int().min(0).max(12).optional(),
  rounding: z.enum(['truncate', 'round']).optional(),
  tolerance: z.number().min(0).optional(),
})
  .strict()
  .refine((r) => (r.value === undefined) !== (r.than === undefined), { message: 'give exactly one of "value" or "than"' });

export const TemplateSchema = z.strictObject({
  title: z.string().min(1).max(200),
  /** The article (blog post) the template proves. */
  article: z.string().min(1).max(300),
  summary: z.string().min(1).max(500),
  /** Graph file inside the template folder. */
  graph: z.string().min(1).max(200).default('graph.loom.json'),
  /** One rule or several; all must hold for PASS. */
  claim: z.union([RuleSchema, z.array(RuleSchema).min(1)]),
  /** Metrics shown with the verdict (and in the app's panel) without being checked. */
  report: z.array(MetricRefSchema).optional(),
  /** Named runs to train; absent: one run named "main" of the graph as it is. */
  runs: z.record(name, RunSchema).optional(),
  /** Options for analyses (by analysis name, see engine/templates/metrics.ts), checked by each analysis. */
  analyses: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  /** Training budget of the full check (`npm run verify:templates`). */
  budget: BudgetSchema,
  /** Reduced budget for the CI test; the claim must hold at it too. Defaults to `budget`. */
  ciBudget: BudgetSchema.optional(),
});

export type Template = z.infer<typeof TemplateSchema>;
export type TemplateRule = z.infer<typeof RuleSchema>;
export type TemplateRun = z.infer<typeof RunSchema>;
export type Budget = z.infer<typeof BudgetSchema>;
export type GraphPatch = z.infer<typeof GraphPatchSchema>;
export type MetricRef = z.infer<typeof MetricRefSchema>;
export type Comparison = z.infer<typeof ComparisonSchema>;

/** The run name used when a template declares no runs. */
export const DEFAULT_RUN = 'main';
/** Training metrics every run has (from the done event), before any analysis. */
export const TRAINING_METRICS = ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy', 'trainTestGap', 'lossGap'] as const;
