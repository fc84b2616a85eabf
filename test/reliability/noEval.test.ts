import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * Graph files come from strangers: nothing in the app may turn data into code. The
 * sources are scanned for every way JavaScript has to run a string, and the Electron
 * main process is checked to bundle none of the engine code that runs graphs (that
 * code lives in the engine worker).
 */

const ROOT = join(import.meta.dirname, '..', '..');
const SCANNED = ['engine', 'electron', 'renderer/src', 'bin'];
const EXTENSIONS = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/** Every way of running a string as code, by name. */
const PATTERNS: [string, RegExp][] = [
  ['eval call', /(?<![\w$.])eval\s*\(/],
  ['indirect eval', /\(\s*0\s*,\s*eval\s*\)|\b(?:globalThis|window|self|global)\s*(?:\.\s*eval\b|\[\s*['"`]eval['"`]\s*\])/],
  ['new Function', /\bnew\s+Function\b/],
  ['Function call', /(?<![\w$.])Function\s*\(/],
  ['function constructor of a function', /\.constructor\s*\.\s*constructor\b|\b(?:Async|Generator|AsyncGenerator)Function\b/],
  ['timer with a code string', /\b(?:setTimeout|setInterval|setImmediate)\s*\(\s*['"`]/],
  ['node:vm', /['"`](?:node:)?vm['"`]|\b(?:runInNewContext|runInThisContext|runInContext|compileFunction)\b/],
  ['worker from a code string', /\beval\s*:\s*true\b/],
  ['script injection', /\b(?:dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b/],
];

/**
 * Allowed, each with why. A line matches an exception when the file is the same and
 * the line contains the given text.
 */
const EXCEPTIONS: { file: string; contains: string; why: string }[] = [];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (EXTENSIONS.test(entry.name)) out.push(path);
  }
  return out;
}

function findings(file: string, text: string): { file: string; line: number; pattern: string; text: string }[] {
  const out: { file: string; line: number; pattern: string; text: string }[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [name, re] of PATTERNS) if (re.test(line)) out.push({ file, line: i + 1, pattern: name, text: line.trim() });
  });
  return out;
}

describe('no code from data', () => {
  it('the scanner sees each way of running a string (so the scan below can fail)', () => {
    const planted = [
      'const f = eval(text);',
      'const g = (0, eval)(text);',
      'globalThis.eval(text)',
      "window['eval'](text)",
      'const h = new Function("a", body);',
      'const k = Function("return this")();',
      '(async () => {}).constructor.constructor(body)',
      "setTimeout('alert(1)', 10)",
      "import { runInNewContext } from 'node:vm';",
      "new Worker(source, { eval: true })",
      '<div dangerouslySetInnerHTML={{ __html: html }} />',
    ];
    for (const line of planted) expect(findings('planted.ts', line), line).not.toEqual([]);
    // …and not the look-alikes the code base does have.
    for (const line of ['return model.eval()', "const names = ['eval', 'train'];", 'function stateDictFunction(plan) {', ' * nothing changes at eval.', 'type F = Function;']) {
      expect(findings('fine.ts', line), line).toEqual([]);
    }
  });

  it('no eval, new Function or Function( anywhere in engine/, electron/, renderer/src or bin/', () => {
    const files = SCANNED.flatMap((d) => sourceFiles(join(ROOT, d)));
    const all = files.flatMap((f) => findings(relative(ROOT, f), readFileSync(f, 'utf8')));
    const excepted = all.filter((x) => EXCEPTIONS.some((e) => e.file === x.file && x.text.includes(e.contains)));
    const offending = all.filter((x) => !excepted.includes(x));
    expect(offending.map((x) => `${x.file}:${x.line} ${x.pattern}: ${x.text}`)).toEqual([]);
    expect(files.length).toBeGreaterThan(200);
    console.log(`reliability: no code from data: ${files.length} source files scanned for ${PATTERNS.length} ways of running a string, ${offending.length} found, ${excepted.length} allowed exceptions`);
  });

  it("Electron's main process bundles no engine code that runs graphs (the engine worker does)", async () => {
    // Modules that compile, train or evaluate a graph, and TensorFlow.js itself.
    const RUNS_GRAPHS = /^(engine\/(nodes|compile|train|run|backend|data|analysis|shapes|export)\/|engine\/tf\.ts$|engine\/graph\/validate\.ts$|engine\/service\/(engineService|runs|analysisJobs)\.ts$)|@tensorflow\//;
    const bundled = async (entry: string) => {
      const r = await build({ entryPoints: [entry], absWorkingDir: ROOT, bundle: true, platform: 'node', format: 'esm', packages: 'external', external: ['electron'], write: false, metafile: true, logLevel: 'silent' });
      const inputs = r.metafile!.inputs;
      return [...Object.keys(inputs), ...Object.values(inputs).flatMap((i) => i.imports.map((m) => m.path))];
    };
    const main = await bundled('electron/main.ts');
    const preload = await bundled('electron/preload.ts');
    expect(main).toContain('electron/main.ts');
    expect(main.filter((p) => RUNS_GRAPHS.test(p))).toEqual([]);
    expect(preload.filter((p) => RUNS_GRAPHS.test(p))).toEqual([]);
    // The same check on the engine worker's entry does find them.
    const worker = await bundled('engine/service/engineEntry.ts');
    expect(worker.filter((p) => /^engine\/(nodes|compile)\//.test(p)).length).toBeGreaterThan(10);
    console.log(`reliability: Electron main bundles ${new Set(main.filter((p) => p.startsWith('engine/'))).size} engine modules, none that compiles or runs a graph (the worker entry bundles ${new Set(worker.filter((p) => RUNS_GRAPHS.test(p))).size})`);
  });
});
