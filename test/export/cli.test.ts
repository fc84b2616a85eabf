import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../engine/cli/main.js';
import { tf } from '../../engine/tf.js';
import { saveCheckpoint } from '../../engine/checkpoint/checkpoint.js';
import { CompiledModel } from '../../engine/compile/compile.js';
import { describeDataset } from '../../engine/data/registry.js';
import { validateGraph } from '../../engine/graph/validate.js';
import { readSafetensors } from '../../engine/checkpoint/safetensors.js';
import { spiralsGraph } from '../helpers/graphs.js';
import { PYTHON, torchAvailable } from '../helpers/pytorch.js';

const BIN = join(import.meta.dirname, '../../bin/tensorloom.mjs');

/** The command as installed: a separate process through bin/tensorloom.mjs. */
function tensorloom(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'export', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same command in this process (no start-up cost), with what it prints. */
async function exportCommand(args: string[]) {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const code = await main(['export', ...args]);
    const text = (spy: typeof log) => spy.mock.calls.map((c) => c.join(' ')).join('\n');
    return { code, stdout: text(log), stderr: text(error) };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('tensorloom export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-export-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const graph = spiralsGraph({ dataset: { name: 'spirals', params: { samples: 200 } } });
  const file = join(dir, 'spirals.loom.json');
  writeFileSync(file, JSON.stringify(graph, null, 2));

  it('writes a PyTorch module with the initial weights from the seed when no checkpoint is given, and it runs', () => {
    const out = join(dir, 'py');
    const r = tensorloom([file, '--to', 'pytorch', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${join(out, 'model.py')}`);
    expect(r.stdout).toContain('initial weights from seed 1 (untrained');
    // The weights are those the trainer starts from: the graph compiled with its seed.
    const model = new CompiledModel(graph, validateGraph(graph, { describeDataset }), 1);
    const expected = model.weights()['h1/weight'];
    model.dispose();
    return readSafetensors(join(out, 'weights.safetensors')).then((file) => {
      expect(Array.from(file.tensors['h1.weight'].data)).toEqual(Array.from(expected.data));
      if (!torchAvailable()) return;
      const run = spawnSync(PYTHON, [join(out, 'model.py')], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('(h1): Linear(in_features=2, out_features=32, bias=True)');
      expect(run.stdout).toContain(`${32 * 2 + 32 + 32 * 32 + 32 + 32 * 2 + 2} parameters`);
    });
  });

  it("exports a checkpoint's weights and graph to TensorFlow.js, FILE left out", async () => {
    const model = new CompiledModel(graph, validateGraph(graph, { describeDataset }), 1);
    model.variables.get('out/bias')!.assign(tf.tensor1d([0.25, -0.5]));
    const checkpoint = join(dir, 'ckpt');
    await saveCheckpoint(checkpoint, { graph, weights: model.variables, trainerState: { step: 12, epoch: 2 } });
    model.dispose();
    const out = join(dir, 'js');
    const r = await exportCommand(['--checkpoint', checkpoint, '--to', 'tfjs', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const done = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(done).toMatchObject({ event: 'done', target: 'tfjs', weights: { from: 'checkpoint', step: 12, epoch: 2 } });
    expect(done.files.map((f: string) => f.slice(out.length + 1))).toEqual(['model.mjs', 'weights.bin', 'package.json']);
    // weights.bin ends with the last variable, out/bias.
    const bin = readFileSync(join(out, 'weights.bin'));
    expect(Array.from(new Float32Array(bin.buffer.slice(bin.byteOffset + bin.length - 8, bin.byteOffset + bin.length)))).toEqual([0.25, -0.5]);
  });

  it('refuses a checkpoint of another graph, naming the variable whose shape differs', async () => {
    const wider = spiralsGraph({ dataset: { name: 'spirals', params: { samples: 200 } } });
    wider.nodes.find((n) => n.id === 'h1')!.params = { units: 16 };
    const widerFile = join(dir, 'wider.loom.json');
    writeFileSync(widerFile, JSON.stringify(wider));
    const out = join(dir, 'refused');
    const r = await exportCommand([widerFile, '--checkpoint', join(dir, 'ckpt'), '--to', 'pytorch', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('weights "h1/weight" have shape [2,32] in the checkpoint');
    expect(r.stderr).toContain('but [2,16] in the graph');
    expect(existsSync(out)).toBe(false);
  });

  it('explains usage mistakes and graph problems', async () => {
    const unknown = await exportCommand([file, '--to', 'keras', '--out', join(dir, 'k')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown target "keras" (use pytorch or tfjs)');
    expect((await exportCommand([file, '--to', 'tfjs'])).stderr).toContain('say where to write the files with --out DIR');
    const broken = structuredClone(graph);
    broken.edges = broken.edges.filter((e) => e.target !== 'a1');
    const brokenFile = join(dir, 'broken.loom.json');
    writeFileSync(brokenFile, JSON.stringify(broken, null, 2));
    const r = await exportCommand([brokenFile, '--to', 'pytorch', '--out', join(dir, 'b')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/node "a1" \(ReLU\), port "in": input "in" is not connected/);
  });
});
