import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecoveryStore } from './recovery.js';

describe('RecoveryStore', () => {
  it('keeps one autosave per key inside its folder, whatever the key says', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tensorloom-recovery-')), 'recovery');
    const store = new RecoveryStore(dir);
    const keys = ['untitled', '/home/ada/spirals.loom.json', '../../etc/passwd', 'C:\\Users\\ada\\x.loom.json'];
    for (const [i, key] of keys.entries()) await store.save(key, `text ${i}`);
    for (const key of keys) expect(dirname(store.fileFor(key))).toBe(dir);
    expect(readdirSync(dir)).toHaveLength(keys.length);
    for (const [i, key] of keys.entries()) expect((await store.load(key)).text).toBe(`text ${i}`);
    await store.save('untitled', 'newer');
    expect((await store.load('untitled')).text).toBe('newer');
  });

  it('treats a damaged recovery file as no recovery rather than failing the start-up', async () => {
    const store = new RecoveryStore(mkdtempSync(join(tmpdir(), 'tensorloom-recovery-')));
    await store.save('untitled', 'x');
    writeFileSync(store.fileFor('untitled'), '{"key":"untitled","text":');
    expect(await store.load('untitled')).toEqual({ text: null, savedAt: null });
    expect(await store.clear('untitled')).toBe(true);
    expect(await store.clear('untitled')).toBe(false);
  });
});
