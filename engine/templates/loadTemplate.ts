import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeDataset } from '../data/registry.js';
import { formatProblem, hasErrors } from '../graph/problems.js';
import type { Graph } from '../graph/schema.js';
import { validateGraph, validateGraphText } from '../graph/validate.js';
import { analysisNamed, analysisOf, isKnownMetric, knownMetrics } from './metrics.js';
import { planRuns, templateRuns, type BudgetName } from './plan.js';
import { TemplateSchema, type MetricRef, type Template, type TemplateRule } from './templateSchema.js';

/** A template folder read and checked: ready for verify. */
export interface LoadedTemplate {
  name: string;
  dir: string;
  template: Template;
  graph: Graph;
  /** Parsed options of every analysis, defaults filled in, by analysis name. */
  analysisOptions: Record<string, Record<string, unknown>>;
}

export interface TemplateInspection {
  name: string;
  dir: string;
  loaded: LoadedTemplate | null;
  /** Everything wrong with the folder, each a sentence naming the file and place. */
  problems: string[];
}

export class TemplateError extends Error {
  constructor(readonly templateName: string, readonly problems: string[]) {
    super(`template "${templateName}" has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'TemplateError';
  }
}

/** The repository's templates/ folder (TENSORLOOM_TEMPLATES overrides it). */
export function templatesRoot(): string {
  return process.env.TENSORLOOM_TEMPLATES ?? fileURLToPath(new URL('../../templates/', import.meta.url));
}

/** Names of the template folders (every sub-folder), sorted. */
export async function listTemplateNames(root = templatesRoot()): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

async function readText(path: string): Promise<string | null> {
  try {
    return (await stat(path)).isFile() ? await readFile(path, 'utf8') : null;
  } catch {
    return null;
  }
}

/**
 * Reads a template folder and reports every problem at once: missing files, a
 * template.json the schema refuses, a graph with any problem (warnings too), rules
 * naming unknown runs or metrics, analysis options, and runs whose patched graph does
 * not validate at either budget. Never throws.
 */
export async function inspectTemplate(dir: string): Promise<TemplateInspection> {
  const name = basename(resolve(dir));
  const problems: string[] = [];
  const done = (loaded: LoadedTemplate | null = null): TemplateInspection => ({ name, dir, loaded: problems.length ? null : loaded, problems });

  const readme = await readText(join(dir, 'README.md'));
  if (readme === null) problems.push('README.md is missing');
  else if (readme.trim().length < 200) problems.push('README.md is too short to say what the article claims and what to try next');

  const rawTemplate = await readText(join(dir, 'template.json'));
  if (rawTemplate === null) {
    problems.push('template.json is missing');
    return done();
  }
  let json: unknown;
  try {
    json = JSON.parse(rawTemplate);
  } catch (err) {
    problems.push(`template.json is not valid JSON: ${(err as Error).message}`);
    return done();
  }
  const parsed = TemplateSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`template.json${issue.path.length ? ` at ${issue.path.join('.')}` : ''}: ${issue.message}`);
    return done();
  }
  const template = parsed.data;

  const graphText = await readText(join(dir, template.graph));
  if (graphText === null) {
    problems.push(`${template.graph} is missing`);
    return done();
  }
  const describe = (ref: Graph['dataset']) => describeDataset(ref, { baseDir: dir });
  const validation = validateGraphText(graphText, { describeDataset: describe });
  for (const p of validation.problems) problems.push(`${template.graph}: ${p.severity}: ${formatProblem(p)}`);
  const graph = validation.graph;
  if (!graph || hasErrors(validation.problems)) return done();
  if (graph.meta?.template !== name) problems.push(`${template.graph}: meta.template is ${JSON.stringify(graph.meta?.template)}, it must be the folder name "${name}"`);
  if (!graph.meta?.title) problems.push(`${template.graph}: meta.title is missing`);
  if (!graph.meta?.description) problems.push(`${template.graph}: meta.description is missing`);
  const unplaced = graph.nodes.filter((n) => !n.position).map((n) => n.id);
  if (unplaced.length) problems.push(`${template.graph}: nodes without a position (the canvas would pile them up): ${unplaced.join(', ')}`);

  const runNames = Object.keys(templateRuns(template));
  const rules: TemplateRule[] = Array.isArray(template.claim) ? template.claim : [template.claim];
  const refs: { ref: MetricRef; where: string }[] = [];
  rules.forEach((rule, i) => {
    const where = `claim${Array.isArray(template.claim) ? `[${i}]` : ''}`;
    refs.push({ ref: rule, where });
    if (rule.than) refs.push({ ref: rule.than, where: `${where}.than` });
  });
  (template.report ?? []).forEach((ref, i) => refs.push({ ref, where: `report[${i}]` }));
  for (const { ref, where } of refs) {
    if (!isKnownMetric(ref.metric)) problems.push(`template.json at ${where}: unknown metric "${ref.metric}"; known metrics: ${knownMetrics().join(', ')}`);
    if (ref.of !== undefined && !runNames.includes(ref.of)) problems.push(`template.json at ${where}: no run named "${ref.of}"; runs: ${runNames.join(', ')}`);
    if (ref.of === undefined && runNames.length > 1) problems.push(`template.json at ${where}: say which run with "of" (runs: ${runNames.join(', ')})`);
  }

  const analysisOptions: Record<string, Record<string, unknown>> = {};
  const used = new Set(refs.map(({ ref }) => analysisOf(ref.metric)?.name).filter((n): n is string => Boolean(n)));
  for (const key of Object.keys(template.analyses ?? {})) {
    if (!analysisNamed(key)) problems.push(`template.json at analyses.${key}: unknown analysis "${key}"`);
  }
  for (const analysisName of used) {
    const analysis = analysisNamed(analysisName)!;
    const options = analysis.options.safeParse(template.analyses?.[analysisName] ?? {});
    if (options.success) analysisOptions[analysisName] = options.data as Record<string, unknown>;
    else for (const issue of options.error.issues) problems.push(`template.json at analyses.${analysisName}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
  }

  for (const budget of ['full', 'ci'] as BudgetName[]) {
    let runs;
    try {
      runs = planRuns(template, graph, budget);
    } catch (err) {
      problems.push(`template.json (${budget} budget): ${(err as Error).message}`);
      continue;
    }
    for (const run of runs) {
      const v = validateGraph(run.graph, { describeDataset: describe, batchSize: run.config.batchSize });
      for (const p of v.problems.filter((q) => q.severity === 'error')) problems.push(`run "${run.name}" (${budget} budget): ${formatProblem(p)}`);
    }
  }
  return done({ name, dir, template, graph, analysisOptions });
}

/** A template by folder name (under the templates root) or by path; throws TemplateError listing its problems. */
export async function loadTemplate(nameOrDir: string, root = templatesRoot()): Promise<LoadedTemplate> {
  const dir = nameOrDir.includes('/') || nameOrDir.includes('\\') ? nameOrDir : join(root, nameOrDir);
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) {
    const names = await listTemplateNames(root).catch(() => []);
    throw new TemplateError(basename(dir), [`there is no template folder ${dir}${names.length ? `; templates: ${names.join(', ')}` : ''}`]);
  }
  const inspection = await inspectTemplate(dir);
  if (!inspection.loaded) throw new TemplateError(inspection.name, inspection.problems);
  return inspection.loaded;
}
