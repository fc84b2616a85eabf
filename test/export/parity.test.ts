import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allKinds } from '../../engine/nodes/registry.js';
import { PYTHON, torchAvailable } from '../helpers/pytorch.js';
import { byName, maxError, nest, prepareCase, templateGraphs, type ExportCase, type Tensorish } from './exportCases.js';
import { kindGraphs } from './graphs.js';

// Every template and the kind-covering graphs: a checkpoint is exported to PyTorch and to
// TensorFlow.js, and the exported code, run outside Tensorloom (real PyTorch under Debian's
// python3; plain @tensorflow/tfjs in a separate Node process), must give Tensorloom's
// outputs on the same batch within 1e-5.
const TOLERANCE = 1e-5;
const FIXTURES = join(import.meta.dirname, 'fixtures');

const work = mkdtempSync(join(tmpdir(), 'tl-export-'));
const cases: ExportCase[] = [];
let pytorch: Record<string, { outputs: unknown; loss: number | null }> = {};
let tfjs: Record<string, { outputs: unknown; tensorsLeft: number }> = {};

beforeAll(async () => {
  for (const [name, graph] of Object.entries(kindGraphs)) cases.push(await prepareCase(name, graph, process.cwd(), work));
  for (const t of templateGraphs()) cases.push(await prepareCase(t.name, t.graph, t.baseDir, work, 2));

  const tfjsRun = spawnSync(process.execPath, [join(FIXTURES, 'runTfjsExports.mjs')], {
    input: JSON.stringify({ cases: cases.map((c) => ({ name: c.name, dir: c.tfjsDir, x: c.x.data, xShape: c.x.shape, xDtype: c.x.dtype })) }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    cwd: work,
  });
  if (tfjsRun.status !== 0) throw new Error(`the TensorFlow.js exports failed to run:\n${tfjsRun.stderr}`);
  tfjs = JSON.parse(tfjsRun.stdout);

  if (!torchAvailable()) return;
  const pyRun = spawnSync(PYTHON, [join(FIXTURES, 'run_pytorch_exports.py')], {
    input: JSON.stringify({
      cases: cases.map((c) => ({ name: c.name, dir: c.pytorchDir, x: nest(c.x.data, c.x.shape), xDtype: c.x.dtype, y: nest(c.y.data, c.y.shape), yDtype: c.y.dtype })),
    }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    cwd: work,
  });
  if (pyRun.status !== 0) throw new Error(`the PyTorch exports failed to run:\n${pyRun.stderr}`);
  pytorch = JSON.parse(pyRun.stdout);
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The outputs that differ by more than the tolerance, with their error (empty when all match). */
function outputsOff(c: ExportCase, theirs: Record<string, Tensorish>): [string, number][] {
  return Object.entries(c.outputs)
    .map(([output, ours]): [string, number] => [output, maxError(ours, theirs[output])])
    .filter(([, error]) => !(error < TOLERANCE));
}

describe('export coverage', () => {
  it('uses every node kind of the registry in the test graphs', () => {
    const used = new Set(Object.values(kindGraphs).flatMap((g) => g.nodes.map((n) => n.type)));
    expect(allKinds.map((k) => k.type).filter((t) => !used.has(t))).toEqual([]);
  });
});

describe.each([...Object.keys(kindGraphs), ...templateGraphs().map((t) => t.name)])('export of %s', (name) => {
  const get = () => cases.find((c) => c.name === name)!;

  it.skipIf(!torchAvailable())('runs in PyTorch with the same outputs and loss', () => {
    const c = get();
    const theirs = byName(c, pytorch[name].outputs);
    expect(Object.keys(theirs).sort()).toEqual(Object.keys(c.outputs).sort());
    expect(outputsOff(c, theirs)).toEqual([]);
    if (c.loss === null) expect(pytorch[name].loss).toBeNull();
    else expect(Math.abs(pytorch[name].loss! - c.loss) / (1 + Math.abs(c.loss))).toBeLessThan(TOLERANCE);
  });

  it('runs in plain TensorFlow.js with the same outputs, without leaking tensors', () => {
    const c = get();
    const theirs = byName(c, tfjs[name].outputs);
    expect(Object.keys(theirs).sort()).toEqual(Object.keys(c.outputs).sort());
    expect(outputsOff(c, theirs)).toEqual([]);
    expect(tfjs[name].tensorsLeft).toBe(0);
  });

  it('imports only PyTorch and the standard library, or only @tensorflow/tfjs', () => {
    const c = get();
    const py = readFileSync(join(c.pytorchDir, 'model.py'), 'utf8');
    const pyImports = [...py.matchAll(/^(?:import|from) (\S+)/gm)].map((m) => m[1].split('.')[0]);
    expect(new Set(pyImports)).toEqual(new Set(['json', 'math', 'os', 'struct', 'sys', 'torch']));
    const js = readFileSync(join(c.tfjsDir, 'model.mjs'), 'utf8');
    const code = js.replace(/^\s*\/\/.*$/gm, '');
    const jsImports = [...code.matchAll(/^import\s.*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)].map((m) => m[1] ?? m[2]);
    expect(new Set(jsImports)).toEqual(new Set(['@tensorflow/tfjs', 'node:fs/promises']));
  });
});
