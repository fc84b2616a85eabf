import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spiralsGraph } from '../helpers/graphs.js';

const BIN = join(import.meta.dirname, '../../bin/tensorloom.mjs');

function tensorloom(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tensorloom command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-cli-'));
  const good = join(dir, 'good.loom.json');
  const bad = join(dir, 'bad.loom.json');
  const broken = join(dir, 'broken.loom.json');
  const g = spiralsGraph({ dataset: { name: 'spirals', params: { samples: 400 } } });
  writeFileSync(good, JSON.stringify(g, null, 2));
  const badGraph = structuredClone(g);
  badGraph.nodes[1].type = 'Lineer';
  badGraph.edges.push({ source: 'a1', target: 'out' });
  writeFileSync(bad, JSON.stringify(badGraph, null, 2));
  writeFileSync(broken, '{"format": "tensorloom.graph", "nodes": [');

  it('validates many files in one process, one line per file, and fails when any is bad', () => {
    const r = tensorloom(['validate', good, bad, broken]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${good}: ok`);
    expect(r.stdout).toMatch(/bad\.loom\.json: \d+ errors?/);
    expect(r.stdout).toContain('unknown node type "Lineer" (did you mean "Linear"?)');
    expect(r.stdout).toMatch(/broken\.loom\.json: 1 error\n\s+line 1:\d+: not valid JSON/);
    expect(r.stdout).toContain('1 of 3 files valid');
  });

  it('prints one JSON object per file with --json', () => {
    const r = tensorloom(['validate', '--json', good, bad, join(dir, 'missing.loom.json')]);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.file, l.ok])).toEqual([[good, true], [bad, false], [join(dir, 'missing.loom.json'), false]]);
    expect(lines[1].errors.some((e: { nodeId?: string; port?: string }) => e.nodeId === 'out' && e.port === 'in')).toBe(true);
    expect(lines[2].errors[0].text).toContain('does not exist');
  });

  it('trains with --json: one event per line, the last one done with backend and metrics', () => {
    const out = join(dir, 'ckpt');
    const r = tensorloom(['train', good, '--epochs', '3', '--json', '--backend', 'cpu', '--out', out]);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const done = events.at(-1);
    expect(done.event).toBe('done');
    expect(done.backend).toBe('cpu');
    expect(Object.keys(done.metrics).sort()).toEqual(['testAccuracy', 'testLoss', 'trainAccuracy', 'trainLoss']);
    expect(events.filter((e) => e.event === 'epoch')).toHaveLength(3);
    expect(events.some((e) => e.event === 'checkpoint' && e.dir === out)).toBe(true);
  });

  it('trains the spirals MLP from the command line to at least 97% test accuracy', () => {
    const file = join(dir, 'spirals.loom.json');
    writeFileSync(file, JSON.stringify(spiralsGraph()));
    const r = tensorloom(['train', file, '--json']);
    const done = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(done.event).toBe('done');
    expect(['tensorflow-gpu', 'tensorflow', 'native', 'wasm']).toContain(done.backend);
    expect(done.metrics.testAccuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('refuses bad arguments with a usage line and a non-zero code', () => {
    const r = tensorloom(['train', good, '--epochs', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--epochs must be a whole number');
    expect(tensorloom(['frobnicate']).code).toBe(2);
  });

  it('exits non-zero naming the node when the graph is invalid', () => {
    const r = tensorloom(['train', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('node "h1" (Lineer)');
  });
});
