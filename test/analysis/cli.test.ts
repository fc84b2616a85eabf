import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { mlpGraph } from './helpers.js';

/** Runs the CLI in this process and collects what it prints. */
async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main(args);
    return { code, out, err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const lastJson = (out: string[]) => JSON.parse(out[out.length - 1]);

describe('tensorloom tree and landscape', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-analysis-cli-'));
  const file = join(dir, 'moons.loom.json');
  const ckpt = join(dir, 'ckpt');
  let trainLoss: number;

  beforeAll(async () => {
    writeFileSync(file, JSON.stringify(mlpGraph([8], { name: 'moons', params: { samples: 400 } }, { epochs: 20 }), null, 2));
    const run = await cli('train', file, '--out', ckpt, '--backend', 'cpu', '--json');
    expect(run.code).toBe(0);
    trainLoss = lastJson(run.out).metrics.trainLoss;
  });

  afterEach(() => vi.restoreAllMocks());

  it('prints the exact tree as JSON: fidelity, size, depth, regions and rules', async () => {
    const { code, out } = await cli('tree', file, '--checkpoint', ckpt, '--json', '--backend', 'cpu');
    expect(code).toBe(0);
    const r = lastJson(out);
    expect(r.method).toBe('exact');
    expect(r.fidelity).toBe(1);
    expect(r.size).toBe(r.nodes.length);
    expect(r.regions).toBe(r.rules.length);
    expect(r.depth).toBeGreaterThan(0);
    expect(r.rules[0].conditions[0]).toMatch(/·x\d .* (>|≤) 0$/);
    expect(r.backend).toBe('cpu');
  });

  it('prints the C-Net tree with its accuracy, and honours --limit for the exact one', async () => {
    const cnet = lastJson((await cli('tree', file, '--checkpoint', ckpt, '--method', 'cnet', '--json', '--backend', 'cpu')).out);
    expect(cnet.method).toBe('cnet');
    expect(cnet.accuracy).toBeGreaterThan(0.8);
    expect(cnet.fidelity).toBeGreaterThan(0.8);
    expect(cnet.fidelity).toBeLessThanOrEqual(1);
    for (const key of ['size', 'depth', 'regions', 'rules']) expect(cnet).toHaveProperty(key);
    const limited = lastJson((await cli('tree', file, '--checkpoint', ckpt, '--limit', '3', '--json', '--backend', 'cpu')).out);
    expect(limited.size).toBeLessThanOrEqual(3);
    expect(limited.truncated).toBe(true);
    expect(limited.warning).toMatch(/node limit of 3/);
  });

  it('prints the landscape: the centre is the loss training reported, an N×N grid, and sharpness', async () => {
    const { code, out } = await cli('landscape', file, '--checkpoint', ckpt, '--grid', '7', '--range', '0.5', '--json', '--backend', 'cpu');
    expect(code).toBe(0);
    const r = lastJson(out);
    expect(Math.abs(r.centerLoss - trainLoss)).toBeLessThan(1e-5);
    expect(r.grid).toHaveLength(7);
    expect(r.grid.every((row: number[]) => row.length === 7)).toBe(true);
    expect(r.xs).toEqual([-0.5, -1 / 3, -1 / 6, 0, 1 / 6, 1 / 3, 0.5]);
    expect(r.ys).toEqual(r.xs);
    expect(r.sharpness.rho).toBe(0.05);
    expect(r.sharpness.firstOrder).toBeGreaterThanOrEqual(0);
    expect(r.sharpness.ascent).toBeGreaterThanOrEqual(r.sharpness.firstOrder);
  });

  it('plots along the training path given checkpoints', async () => {
    const early = [join(dir, 'e1'), join(dir, 'e2')];
    for (const [i, out] of early.entries()) expect((await cli('train', file, '--out', out, '--epochs', String(i + 1), '--backend', 'cpu', '--json')).code).toBe(0);
    const { code, out } = await cli('landscape', file, '--checkpoint', ckpt, '--trajectory', early[0], '--trajectory', early[1], '--grid', '3', '--json', '--backend', 'cpu');
    expect(code).toBe(0);
    const r = lastJson(out);
    expect(r.directions).toBe('path');
    expect(r.path).toHaveLength(2);
    expect(r.grid).toHaveLength(3);
  });

  it('explains what is wrong: usage errors exit 2, a network that is not a ReLU chain exits 1 naming the node', async () => {
    const missing = await cli('tree', file);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--checkpoint DIR is required/);
    expect((await cli('tree', file, '--checkpoint', ckpt, '--method', 'forest')).err).toMatch(/--method must be exact or cnet/);
    expect((await cli('landscape', file, '--checkpoint', ckpt, '--grid', '0')).code).toBe(2);

    const tanh = mlpGraph([8], { name: 'moons', params: { samples: 400 } }, { epochs: 1 });
    tanh.nodes.find((n) => n.id === 'a1')!.type = 'Tanh';
    const tanhFile = join(dir, 'tanh.loom.json');
    writeFileSync(tanhFile, JSON.stringify(tanh));
    const tanhCkpt = join(dir, 'tanh-ckpt');
    expect((await cli('train', tanhFile, '--out', tanhCkpt, '--backend', 'cpu', '--json')).code).toBe(0);
    const refused = await cli('tree', tanhFile, '--checkpoint', tanhCkpt, '--json', '--backend', 'cpu');
    expect(refused.code).toBe(1);
    expect(lastJson(refused.out)).toMatchObject({ event: 'error', code: 'analysis' });
    expect(lastJson(refused.out).message).toMatch(/node "a1" \(Tanh\)/);
    // The checkpoint of one graph does not load into another.
    const narrowFile = join(dir, 'narrow.loom.json');
    writeFileSync(narrowFile, JSON.stringify(mlpGraph([4], { name: 'moons', params: { samples: 400 } })));
    const other = await cli('landscape', narrowFile, '--checkpoint', ckpt, '--backend', 'cpu');
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/does not fit/);
  });
});
