import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spiralsGraph } from '../helpers/graphs.js';

const BIN = join(import.meta.dirname, '../../bin/tensorloom.mjs');

function tensorloom(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Two tiny templates: one whose claim holds, one whose second claim cannot. */
const root = mkdtempSync(join(tmpdir(), 'tl-verify-'));
function template(name: string, claim: unknown[]) {
  const dir = join(root, name);
  mkdirSync(dir);
  const g = spiralsGraph({ dataset: { name: 'moons', params: { samples: 400, noise: 0.1 } } });
  g.meta = { title: name, description: 'tiny', template: name };
  g.nodes.forEach((n, i) => (n.position = { x: 220 * i, y: 0 }));
  writeFileSync(join(dir, 'graph.loom.json'), JSON.stringify(g));
  writeFileSync(join(dir, 'README.md'), `# ${name}\n\n${'A tiny template for the verify command test. '.repeat(6)}`);
  writeFileSync(join(dir, 'template.json'), JSON.stringify({
    title: name, article: 'Test', summary: 'tiny',
    runs: { wide: {}, narrow: { graphPatch: { setParams: { h1: { units: 2 }, h2: { units: 2 } } } } },
    claim, report: [{ metric: 'trainAccuracy', of: 'wide' }],
    budget: { epochs: 4 }, ciBudget: { epochs: 2 },
  }));
}
template('holds', [{ description: 'learns the moons', metric: 'testAccuracy', of: 'wide', comparison: '>=', value: 0.8 }]);
template('fails', [
  { description: 'learns the moons', metric: 'testAccuracy', of: 'wide', comparison: '>=', value: 0.8 },
  { description: 'impossible', metric: 'testAccuracy', of: 'narrow', comparison: '>', value: 1 },
]);

describe('tensorloom verify', () => {
  it('prints PASS or FAIL per template with the measured values, and exits 1 when any fails', () => {
    const r = tensorloom(['verify', '--all', '--templates', root, '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^holds: PASS \(ci budget, cpu, [\d.]+ s\)\n {2}ok {3}learns the moons: testAccuracy\(wide\) = [\d.]+ >= 0\.8\n\s+trainAccuracy\(wide\) = [\d.]+/m);
    expect(r.stdout).toMatch(/^fails: FAIL/m);
    expect(r.stdout).toMatch(/ {2}FAIL impossible: testAccuracy\(narrow\) = [\d.]+ > 1/);
    expect(r.stdout).toContain('1 of 2 templates pass (ci budget)');
    expect(r.stderr).toContain('holds: training run "narrow" (2/2, ci budget)');
  });

  it('trains the full budget with --full and reports JSON with every run\'s metrics', () => {
    const r = tensorloom(['verify', 'holds', '--full', '--json', '--templates', root, '--backend', 'cpu']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ name: 'holds', pass: true, budget: 'full', backend: 'cpu' });
    expect(report.runs.map((run: { name: string; steps: number }) => [run.name, run.steps])).toEqual([['wide', 4 * 5], ['narrow', 4 * 5]]);
    expect(Object.keys(report.runs[0].metrics)).toEqual(expect.arrayContaining(['testAccuracy', 'trainTestGap', 'lossGap']));
  });

  it('names the problems of a template it cannot load, and refuses bad usage', () => {
    const missing = tensorloom(['verify', 'nope', '--templates', root]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('nope: FAIL (cannot load)');
    expect(missing.stdout).toContain('templates: fails, holds');
    expect(tensorloom(['verify']).code).toBe(2);
    expect(tensorloom(['verify', 'holds', '--all']).stderr).toContain('give template names or --all, not both');
  });
});
