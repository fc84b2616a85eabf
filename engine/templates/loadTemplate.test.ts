import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/schema.js';
import { inspectTemplate, loadTemplate, TemplateError } from './loadTemplate.js';

const root = mkdtempSync(join(tmpdir(), 'tl-templates-'));
const readme = `# A template\n\n${'What the article says, what the graph shows and what to try next. '.repeat(5)}\n`;

function graph(name: string, extra: Partial<Graph> = {}): Graph {
  const at = (x: number) => ({ x, y: 0 });
  return {
    format: 'tensorloom.graph',
    version: 1,
    meta: { title: 'Tiny', description: 'A tiny MLP', template: name },
    dataset: { name: 'moons', params: { samples: 200 } },
    nodes: [
      { id: 'in', type: 'Input', position: at(0) },
      { id: 'h', type: 'Linear', params: { units: 8 }, position: at(220) },
      { id: 'drop', type: 'Dropout', position: at(440) },
      { id: 'out', type: 'Linear', params: { units: 2 }, position: at(660) },
      { id: 'loss', type: 'CrossEntropy', position: at(880) },
    ],
    edges: [
      { source: 'in', sourcePort: 'x', target: 'h' },
      { source: 'h', target: 'drop' },
      { source: 'drop', target: 'out' },
      { source: 'out', target: 'loss', targetPort: 'logits' },
      { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
    ],
    training: { optimizer: { type: 'adam', learningRate: 0.01 }, batchSize: 32, epochs: 2, seed: 1 },
    ...extra,
  };
}

function folder(name: string, files: { readme?: string | null; template?: unknown; graph?: unknown }): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (files.readme !== null) writeFileSync(join(dir, 'README.md'), files.readme ?? readme);
  if (files.template !== undefined) writeFileSync(join(dir, 'template.json'), typeof files.template === 'string' ? files.template : JSON.stringify(files.template));
  if (files.graph !== undefined) writeFileSync(join(dir, 'graph.loom.json'), JSON.stringify(files.graph));
  return dir;
}

const base = { title: 'Tiny', article: 'An article', summary: 'One line', budget: { epochs: 2 } };

describe('inspectTemplate', () => {
  it('loads a complete template, with analysis options checked and defaults filled in', async () => {
    const dir = folder('good', {
      template: {
        ...base,
        runs: { with: {}, without: { graphPatch: { bypass: ['drop'] } } },
        claim: [{ description: 'd', metric: 'trainTestGap', of: 'with', comparison: '<', than: { metric: 'trainTestGap', of: 'without' } }],
        report: [{ metric: 'bestTestAccuracy', of: 'with' }],
        analyses: { milestones: { testAccuracy: 0.9 } },
      },
      graph: graph('good'),
    });
    const r = await inspectTemplate(dir);
    expect(r.problems).toEqual([]);
    expect(r.loaded!.analysisOptions).toEqual({ milestones: { testAccuracy: 0.9, trainAccuracy: 0.99 } });
  });

  it('lists every problem of a template at once, each naming the place', async () => {
    const g = graph('wrong-name');
    delete g.nodes[1].position;
    const dir = folder('bad', {
      readme: 'short',
      template: {
        ...base,
        runs: { a: {}, b: { graphPatch: { bypass: ['dropout'] } } },
        claim: [
          { description: 'd', metric: 'testAcuracy', of: 'a', comparison: '>=', value: 0.9 },
          { description: 'd', metric: 'testAccuracy', of: 'c', comparison: '>=', value: 0.9 },
          { description: 'd', metric: 'testAccuracy', comparison: '>=', value: 0.9 },
        ],
        analyses: { milestone: {} },
      },
      graph: g,
    });
    const { problems, loaded } = await inspectTemplate(dir);
    expect(loaded).toBeNull();
    expect(problems).toEqual(expect.arrayContaining([
      'README.md is too short to say what the article claims and what to try next',
      'graph.loom.json: meta.template is "wrong-name", it must be the folder name "bad"',
      'graph.loom.json: nodes without a position (the canvas would pile them up): h',
      expect.stringMatching(/^template.json at claim\[0\]: unknown metric "testAcuracy"; known metrics: trainLoss, /),
      'template.json at claim[1]: no run named "c"; runs: a, b',
      'template.json at claim[2]: say which run with "of" (runs: a, b)',
      'template.json at analyses.milestone: unknown analysis "milestone"',
      'template.json (full budget): bypass: the graph has no node "dropout"',
    ]));
  });

  it('reports schema errors with their path, and graph problems with their line', async () => {
    const schema = await inspectTemplate(folder('schema', { template: { ...base, claim: { description: 'd', metric: 'testAccuracy', comparison: '>=' } } }));
    expect(schema.problems).toContain('template.json at claim: give exactly one of "value" or "than"');
    const g = graph('broken');
    g.nodes[3].params = { units: 0 };
    const broken = await inspectTemplate(folder('broken', { template: { ...base, claim: { description: 'd', metric: 'testAccuracy', comparison: '>=', value: 0.5 } }, graph: g }));
    expect(broken.problems.some((p) => p.startsWith('graph.loom.json: error: line 1') && p.includes('node "out" (Linear)'))).toBe(true);
  });

  it('checks that every run, patched and at both budgets, still validates', async () => {
    const dir = folder('runs', {
      template: {
        ...base,
        ciBudget: { epochs: 1, dataset: { params: { samples: 1 } } },
        runs: { a: { graphPatch: { removeNodes: ['drop'] } } },
        claim: { description: 'd', metric: 'testAccuracy', of: 'a', comparison: '>=', value: 0.5 },
      },
      graph: graph('runs'),
    });
    const { problems } = await inspectTemplate(dir);
    expect(problems.some((p) => p.startsWith('run "a" (full budget): node "out" (Linear), port "in"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('run "a" (ci budget): ') && p.includes('samples'))).toBe(true);
  });

  it('loadTemplate throws a TemplateError naming the missing files, or the known templates', async () => {
    folder('empty', { readme: null });
    await expect(loadTemplate('empty', root)).rejects.toThrow(/README.md is missing\n\s+template.json is missing/);
    const err = await loadTemplate('nope', root).catch((e) => e);
    expect(err).toBeInstanceOf(TemplateError);
    expect(err.message).toContain('templates: bad, broken, empty, good, runs, schema');
  });
});
