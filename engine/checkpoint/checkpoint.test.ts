import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../tf.js';
import { createOptimizer } from '../train/optimizers.js';
import { createRng } from '../util/hash.js';
import { CHECKPOINT_FILES, CheckpointError, checkpointSiblings, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { decodeSafetensors } from './safetensors.js';
import { VERSION_SHAPES, versionGraph, versionInput, versionValue } from '../../test/fixtures/atomic/checkpointVersions.js';
import { inLanes, runAndKill } from '../../test/fixtures/atomic/killTrials.js';

const root = fs.mkdtempSync(join(tmpdir(), 'tensorloom-checkpoint-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
/** A checkpoint path inside its own fresh parent directory, so siblings can be listed. */
const freshCheckpointDir = () => join(fs.mkdtempSync(join(root, `p${dirs++}-`)), 'ckpt');

function disposeInput(input: ReturnType<typeof versionInput>): void {
  input.weights.forEach((v) => v.dispose());
  tf.dispose(Object.values(input.optimizerState ?? {}));
}

/** Which version (0/1) every part of a loaded checkpoint is; throws on a mix. */
async function versionOf(dir: string): Promise<number> {
  const c = await loadCheckpoint(dir);
  const v = c.trainerState.step;
  expect(c.graph.meta?.title).toBe(`version ${v}`);
  for (const [name, shape] of Object.entries(VERSION_SHAPES)) {
    const n = shape.reduce((a, b) => a * b, 1);
    // A plain loop: expect().toEqual on 200k-element arrays takes most of a second.
    const firstWrong = (data: ArrayLike<number>) => {
      if (data.length !== n) return -2;
      for (let i = 0; i < n; i++) if (data[i] !== Math.fround(versionValue(v, i))) return i;
      return -1;
    };
    expect(firstWrong(c.weights[name].data), `first wrong value of weights ${name}, version ${v}`).toBe(-1);
    expect(firstWrong(c.optimizerState[`adam.m/${name}`].dataSync()), `optimizer state of ${name}, version ${v}`).toBe(-1);
  }
  expect(c.optimizerState.step.dataSync()[0]).toBe(v);
  tf.dispose(Object.values(c.optimizerState));
  return v;
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips graph, weights, optimizer state and trainer state', async () => {
    const dir = freshCheckpointDir();
    const weights = new Map<string, tf.Variable>([
      ['h1/weight', tf.variable(tf.tensor2d([[1, 2, 3], [4, 5, 6]]))],
      ['enc.1/bias', tf.variable(tf.tensor1d([0.5, -0.5, 0]))], // a node id with a dot
    ]);
    const optimizer = createOptimizer({ type: 'adam', learningRate: 0.1 });
    optimizer.applyGradients(weights, { 'h1/weight': tf.ones([2, 3]), 'enc.1/bias': tf.ones([3]) });
    const optimizerState = optimizer.getState();
    const graph = versionGraph(7);
    const trainerState = { step: 12, epoch: 3, history: [{ event: 'epoch', epoch: 1, loss: 0.25 }] };
    await saveCheckpoint(dir, { graph, weights, optimizerState, trainerState });

    expect(fs.readdirSync(dir).sort()).toEqual(Object.values(CHECKPOINT_FILES).sort());
    const c = await loadCheckpoint(dir);
    expect(c.graph).toEqual(graph);
    expect(c.trainerState).toEqual(trainerState);
    expect(Object.keys(c.weights).sort()).toEqual(['enc.1/bias', 'h1/weight']);
    expect(c.weights['h1/weight'].shape).toEqual([2, 3]);
    expect(Array.from(c.weights['h1/weight'].data)).toEqual(Array.from(weights.get('h1/weight')!.dataSync()));
    expect(Object.keys(c.optimizerState).sort()).toEqual(Object.keys(optimizerState).sort());
    for (const [name, t] of Object.entries(optimizerState)) {
      expect(c.optimizerState[name].dtype).toBe(t.dtype);
      expect(c.optimizerState[name].arraySync()).toEqual(t.arraySync());
    }
    // The loaded state resumes the optimizer (step count included).
    const resumed = createOptimizer({ type: 'adam', learningRate: 0.1 });
    resumed.setState(c.optimizerState);
    expect(resumed.step).toBe(1);
    tf.dispose([...Object.values(optimizerState), ...Object.values(c.optimizerState)]);
    optimizer.dispose();
    resumed.dispose();
    weights.forEach((v) => v.dispose());
  });

  it('stores PyTorch-style keys (h1.weight) and keeps the exact names in the metadata', async () => {
    const dir = freshCheckpointDir();
    const input = versionInput(0);
    await saveCheckpoint(dir, input);
    disposeInput(input);
    const file = decodeSafetensors(fs.readFileSync(join(dir, CHECKPOINT_FILES.weights)));
    expect(Object.keys(file.tensors)).toEqual(['h1.weight', 'h1.bias', 'out.weight']);
    expect(JSON.parse(file.metadata['tensorloom.names'])).toEqual({ 'h1.weight': 'h1/weight', 'h1.bias': 'h1/bias', 'out.weight': 'out/weight' });
    const optimizerFile = decodeSafetensors(fs.readFileSync(join(dir, CHECKPOINT_FILES.optimizer)));
    expect(Object.keys(optimizerFile.tensors)).toContain('adam.m.h1.weight');
  });

  it('refuses names that would collide once / becomes ., leaving the previous checkpoint', async () => {
    const dir = freshCheckpointDir();
    const input = versionInput(0);
    await saveCheckpoint(dir, input);
    const weights = new Map([
      ['a.b/w', tf.variable(tf.zeros([1]))],
      ['a/b.w', tf.variable(tf.zeros([1]))],
    ]);
    await expect(saveCheckpoint(dir, { ...input, weights })).rejects.toThrow(/"a\.b\/w" and "a\/b\.w" would both be stored as "a\.b\.w"/);
    weights.forEach((v) => v.dispose());
    disposeInput(input);
    expect(await versionOf(dir)).toBe(0);
  });

  it('replaces the previous checkpoint and leaves no sibling behind', async () => {
    const dir = freshCheckpointDir();
    for (const v of [0, 1]) {
      const input = versionInput(v);
      await saveCheckpoint(dir, input);
      disposeInput(input);
    }
    expect(await versionOf(dir)).toBe(1);
    expect(fs.readdirSync(join(dir, '..'))).toEqual(['ckpt']);
  });

  it('recovers from a save interrupted between its two renames', async () => {
    const dir = freshCheckpointDir();
    const { previous, staging } = checkpointSiblings(dir);
    const v0 = versionInput(0);
    await saveCheckpoint(dir, v0);
    disposeInput(v0);
    // The state a kill after step 2 leaves: no <dir>, the old one as .previous, a .saving.
    fs.renameSync(dir, previous);
    fs.mkdirSync(staging);
    fs.writeFileSync(join(staging, CHECKPOINT_FILES.weights), 'partial');
    expect(await versionOf(dir)).toBe(0);
    const v1 = versionInput(1);
    await saveCheckpoint(dir, v1);
    disposeInput(v1);
    expect(await versionOf(dir)).toBe(1);
    expect(fs.readdirSync(join(dir, '..'))).toEqual(['ckpt']);
  });

  it('ignores a half-deleted .previous next to a whole checkpoint', async () => {
    const dir = freshCheckpointDir();
    const v1 = versionInput(1);
    await saveCheckpoint(dir, v1);
    disposeInput(v1);
    const { previous } = checkpointSiblings(dir);
    fs.mkdirSync(previous);
    fs.writeFileSync(join(previous, CHECKPOINT_FILES.state), '{"format":"tensorloom.checkpoint"'); // torn
    expect(await versionOf(dir)).toBe(1);
  });

  describe('names the file when one is missing or corrupt', () => {
    const corruptions: [string, (dir: string) => void, RegExp][] = [
      ['no checkpoint', (dir) => fs.rmSync(dir, { recursive: true }), /no checkpoint at .*ckpt/],
      ['missing weights', (dir) => fs.rmSync(join(dir, CHECKPOINT_FILES.weights)), /weights\.safetensors is missing/],
      ['missing optimizer state', (dir) => fs.rmSync(join(dir, CHECKPOINT_FILES.optimizer)), /optimizer\.safetensors is missing/],
      ['missing state', (dir) => fs.rmSync(join(dir, CHECKPOINT_FILES.state)), /state\.json is missing/],
      [
        'truncated weights',
        (dir) => fs.truncateSync(join(dir, CHECKPOINT_FILES.weights), 5000),
        /weights\.safetensors: .*(past the|belong to no tensor)/,
      ],
      ['garbage optimizer file', (dir) => fs.writeFileSync(join(dir, CHECKPOINT_FILES.optimizer), 'hello'), /optimizer\.safetensors: 5 bytes/],
      ['graph not JSON', (dir) => fs.writeFileSync(join(dir, CHECKPOINT_FILES.graph), '{"format":'), /graph\.loom\.json: not valid JSON/],
      [
        'graph not a graph',
        (dir) => fs.writeFileSync(join(dir, CHECKPOINT_FILES.graph), '{"format":"tensorloom.graph","version":1}'),
        /graph\.loom\.json: not a valid graph \(dataset/,
      ],
      [
        'state from the future',
        (dir) => fs.writeFileSync(join(dir, CHECKPOINT_FILES.state), '{"format":"tensorloom.checkpoint","version":9,"trainer":{}}'),
        /state\.json: checkpoint version 9/,
      ],
      [
        'state without a step',
        (dir) => fs.writeFileSync(join(dir, CHECKPOINT_FILES.state), '{"format":"tensorloom.checkpoint","version":1,"trainer":{"epoch":1}}'),
        /state\.json: trainer state needs whole-number "step"/,
      ],
    ];
    for (const [label, corrupt, message] of corruptions) {
      it(label, async () => {
        const dir = freshCheckpointDir();
        const input = versionInput(0);
        await saveCheckpoint(dir, input);
        disposeInput(input);
        corrupt(dir);
        await expect(loadCheckpoint(dir)).rejects.toThrow(CheckpointError);
        await expect(loadCheckpoint(dir)).rejects.toThrow(message);
      });
    }
  });

  it('a save killed at a random moment leaves one whole checkpoint, old or new', async () => {
    const seed = Date.now() % 100000;
    const rng = createRng(seed);
    const TRIALS = 10;
    let midSave = 0;
    await inLanes(TRIALS, 2, async (i) => {
      const dir = freshCheckpointDir();
      await runAndKill('test/fixtures/atomic/checkpointLoop.ts', [dir], rng() * 120);
      if (fs.readdirSync(join(dir, '..')).length > 1) midSave++; // .saving or .previous left over
      const v = await versionOf(dir).catch((err) => {
        throw new Error(`trial ${i} (seed ${seed}): ${err.message}`);
      });
      expect([0, 1]).toContain(v);
      // The next save repairs whatever the kill left.
      const next = versionInput(1 - v);
      await saveCheckpoint(dir, next);
      disposeInput(next);
      expect(await versionOf(dir)).toBe(1 - v);
      expect(fs.readdirSync(join(dir, '..'))).toEqual(['ckpt']);
    });
    console.log(`checkpoint: ${TRIALS} killed trials, ${midSave} killed mid-save`);
    expect(midSave).toBeGreaterThan(0);
  });
});
