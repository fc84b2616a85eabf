import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from './atomicWrite.js';
import { createRng } from './hash.js';
import { payload } from '../../test/fixtures/atomic/payloads.js';
import { inLanes, runAndKill } from '../../test/fixtures/atomic/killTrials.js';

const root = fs.mkdtempSync(join(tmpdir(), 'tensorloom-atomic-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => fs.mkdtempSync(join(root, `d${dirs++}-`));

describe('writeFileAtomic / writeFileAtomicSync', () => {
  for (const [label, write] of [
    ['async', writeFileAtomic],
    ['sync', writeFileAtomicSync],
  ] as const) {
    it(`${label}: creates, then replaces, a file and leaves nothing else behind`, async () => {
      const dir = freshDir();
      const target = join(dir, 'graph.loom.json');
      await write(target, 'first');
      expect(fs.readFileSync(target, 'utf8')).toBe('first');
      await write(target, new Uint8Array([1, 2, 3]));
      expect([...fs.readFileSync(target)]).toEqual([1, 2, 3]);
      expect(fs.readdirSync(dir)).toEqual(['graph.loom.json']);
    });

    it(`${label}: on failure keeps the old file, throws, and removes its temporary file`, async () => {
      const dir = freshDir();
      const target = join(dir, 'busy');
      fs.mkdirSync(target); // renaming a file over a directory fails
      await expect(async () => write(target, 'data')).rejects.toThrow(/EISDIR|EPERM|EEXIST|ENOTDIR/);
      expect(fs.readdirSync(dir)).toEqual(['busy']);
      await expect(async () => write(join(dir, 'missing', 'f'), 'data')).rejects.toThrow(/ENOENT/);
    });
  }
});

describe('a save killed at a random moment', () => {
  const SIZE = 1 << 20;
  const versions = [payload('A', SIZE), payload('B', SIZE)].map((p) => Buffer.from(p));
  const which = (file: Buffer) => versions.findIndex((v) => v.equals(file));
  const seed = Date.now() % 100000;

  it('leaves the file equal to version A or B, never torn', async () => {
    const rng = createRng(seed);
    const TRIALS = 50;
    let midSave = 0;
    const seen = [0, 0];
    await inLanes(TRIALS, 2, async (i) => {
      const dir = freshDir();
      const target = join(dir, 'weights.bin');
      const mode = i % 2 ? 'sync' : 'async';
      await runAndKill('test/fixtures/atomic/saveLoop.ts', [mode, target, String(SIZE)], rng() * 40);
      const file = fs.readFileSync(target);
      const v = which(file);
      expect(v, `trial ${i} (${mode}, seed ${seed}): ${file.length} bytes, neither A nor B`).toBeGreaterThanOrEqual(0);
      seen[v]++;
      // A leftover temporary file means the kill landed inside a save.
      if (fs.readdirSync(dir).length > 1) midSave++;
    });
    console.log(`atomic write: ${TRIALS} killed trials, ${midSave} killed mid-save, final A ${seen[0]} / B ${seen[1]}`);
    expect(midSave).toBeGreaterThan(0);
  });

  it('does tear a plain writeFileSync (so the check above can see a torn file)', async () => {
    const rng = createRng(seed + 1);
    let torn = 0;
    let trials = 0;
    while (torn === 0 && trials < 20) {
      trials++;
      const target = join(freshDir(), 'weights.bin');
      await runAndKill('test/fixtures/atomic/saveLoop.ts', ['plain', target, String(SIZE)], rng() * 40);
      if (which(fs.readFileSync(target)) < 0) torn++;
    }
    expect(torn, `no torn file in ${trials} plain trials (seed ${seed})`).toBe(1);
  });
});
