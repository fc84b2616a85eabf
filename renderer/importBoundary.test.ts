import { describe, expect, it } from 'vitest';

/**
 * The renderer must never pull TensorFlow.js (or Node built-ins) into the page: it
 * reaches the engine only through the protocol. This test reads every renderer source
 * and follows its runtime imports into engine/, transitively.
 */
const rendererSources = import.meta.glob('/renderer/src/**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const engineSources = import.meta.glob('/engine/**/*.ts', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const sources: Record<string, string> = { ...rendererSources, ...engineSources };

/** Engine modules the renderer may import directly (types or values). */
const ALLOWED_ENGINE = [/^\/engine\/protocol\/[^/]+\.ts$/, /^\/engine\/graph\/schema\.ts$/, /^\/engine\/graph\/problems\.ts$/, /^\/engine\/nodes\/params\.ts$/, /^\/engine\/shapes\/types\.ts$/, /^\/engine\/train\/events\.ts$/,
  // The share format and its browser codec (CompressionStream): pure, shared with the CLI.
  /^\/engine\/export\/share(Format|Browser)\.ts$/,
  // The CSV delimiter rule, so the import preview splits lines as the engine will.
  /^\/engine\/data\/csv\/delimiter\.ts$/];

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

export function findImports(source: string): ImportRef[] {
  const refs: ImportRef[] = [];
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/\b(import|export)\s+(type\s+)?([^;()'"]*?)\s*from\s*['"]([^'"]+)['"]/g)) {
    const clause = m[3];
    const braces = /\{([^}]*)\}/.exec(clause);
    const onlyTypeSpecifiers = !!braces && !clause.replace(/\{[^}]*\}/, '').replace(/,/g, '').trim() && braces[1].split(',').filter((s) => s.trim()).every((s) => /^\s*type\s/.test(s));
    refs.push({ specifier: m[4], typeOnly: !!m[2] || onlyTypeSpecifiers });
  }
  for (const m of code.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) refs.push({ specifier: m[1], typeOnly: false });
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) refs.push({ specifier: m[1], typeOnly: false });
  return refs;
}

function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const parts = from.split('/').slice(0, -1);
  for (const seg of specifier.split('?')[0].split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.') parts.push(seg);
  }
  const path = parts.join('/');
  for (const candidate of [path, path.replace(/\.js$/, '.ts'), path.replace(/\.js$/, '.tsx')]) if (candidate in sources) return candidate;
  return path;
}

describe('renderer import boundary', () => {
  it('reads the sources it checks', () => {
    expect(Object.keys(rendererSources).length).toBeGreaterThan(30);
    expect(findImports("import type { A } from './a.js';\nimport { type B, type C } from './b.js';\nimport { D, type E } from './d.js';\nimport './e.css';")).toEqual([
      { specifier: './a.js', typeOnly: true },
      { specifier: './b.js', typeOnly: true },
      { specifier: './d.js', typeOnly: false },
      { specifier: './e.css', typeOnly: false },
    ]);
  });

  it('imports from engine/ only the protocol, the graph schema and problems, params, shapes and train events', () => {
    const offending: string[] = [];
    for (const [file, source] of Object.entries(rendererSources)) {
      for (const ref of findImports(source)) {
        const target = resolve(file, ref.specifier);
        if (target?.startsWith('/engine/') && !ALLOWED_ENGINE.some((re) => re.test(target))) offending.push(`${file} imports ${target}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('never reaches TensorFlow.js or Node built-ins at run time, directly or through engine modules', () => {
    const offending: string[] = [];
    const seen = new Set<string>();
    const queue = Object.keys(rendererSources);
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const source = sources[file];
      if (source === undefined) continue;
      for (const ref of findImports(source)) {
        if (ref.typeOnly) continue;
        if (/^@tensorflow\//.test(ref.specifier) || /^node:/.test(ref.specifier) || /^(fs|path|os|child_process|worker_threads)$/.test(ref.specifier)) {
          offending.push(`${file} imports ${ref.specifier}`);
          continue;
        }
        const target = resolve(file, ref.specifier);
        if (target === '/engine/tf.ts') offending.push(`${file} imports engine/tf.ts`);
        if (target && target in sources) queue.push(target);
      }
    }
    expect([...seen].some((f) => f.startsWith('/engine/'))).toBe(true);
    expect(offending).toEqual([]);
  });
});
