import { describe, expect, it } from 'vitest';
import { EngineClient } from '../../../engine/protocol/client.js';
import { createDocStore } from '../doc/docStore.js';
import { setParam } from '../doc/graphEdits.js';
import { spiralGraph } from '../doc/testGraphs.js';
import { fakeTransport } from '../engine/fakeEngine.js';
import { createAutosave, decodeRecovery } from './recovery.js';
import { checkWorkspaceName, withGraphSuffix } from './workspaceFiles.js';

function setup(options: { now?: () => number } = {}) {
  const saved = new Map<string, string>();
  const fake = fakeTransport({
    'recovery.save': ({ key, text }) => (saved.set(key, text), { saved: true }),
    'recovery.clear': ({ key }) => ({ cleared: saved.delete(key) }),
  });
  const client = new EngineClient(fake.transport);
  const doc = createDocStore();
  doc.load(spiralGraph(), { path: 'spiral.loom.json', name: 'spiral.loom.json' });
  return { saved, fake, doc, autosave: createAutosave(doc, () => client, { maxWaitMs: 3000, ...options }) };
}

describe('autosave', () => {
  it('writes unsaved work with its file name, once per change', async () => {
    const { saved, fake, doc, autosave } = setup();
    await autosave.tick();
    expect(saved.size).toBe(0);
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 5));
    await autosave.tick();
    await autosave.tick();
    expect(fake.calls.filter((c) => c.method === 'recovery.save')).toHaveLength(1);
    const record = decodeRecovery(saved.get('session')!)!;
    expect(record.file.name).toBe('spiral.loom.json');
    expect(JSON.parse(record.graph).nodes[1].params.units).toBe(5);
  });

  it('clears the recovery file once the work is saved', async () => {
    const { saved, doc, autosave } = setup();
    doc.change('Set units', (g) => setParam(g, 'h1', 'units', 5));
    await autosave.tick();
    doc.undo();
    await autosave.tick();
    expect(saved.has('session')).toBe(false);
  });

  it('writes once the editing pauses, and at the latest after the longest wait while it goes on', async () => {
    let t = 0;
    const { fake, doc, autosave } = setup({ now: () => t });
    const saves = () => fake.calls.filter((c) => c.method === 'recovery.save').length;
    const units = (n: number) => doc.change('Set units', (g) => setParam(g, 'h1', 'units', n));
    // Typing: a new value before every check; nothing is written while the wait is short.
    for (let i = 0; i < 3; i++) {
      units(10 + i);
      await autosave.check();
      t += 1000;
    }
    expect(saves()).toBe(0);
    units(13);
    await autosave.check(); // 3 s since the first unwritten change was seen
    expect(saves()).toBe(1);
    expect(JSON.parse(decodeRecovery(fake.calls.at(-1)!.params.text as string)!.graph).nodes[1].params.units).toBe(13);
    // A pause: the graph the previous check saw is still there, so it is written at once.
    units(14);
    t += 1000;
    await autosave.check();
    expect(saves()).toBe(1);
    t += 1000;
    await autosave.check();
    expect(saves()).toBe(2);
    // Nothing new: the graph is not written out again.
    for (let i = 0; i < 5; i++) {
      t += 1000;
      await autosave.check();
    }
    expect(saves()).toBe(2);
  });

  it('refuses recovery text that is not a recovery record', () => {
    expect(decodeRecovery('{"nodes": []}')).toBeNull();
    expect(decodeRecovery('not json')).toBeNull();
  });
});

describe('workspace file names', () => {
  it('adds the graph suffix and explains names the server would refuse', () => {
    expect(withGraphSuffix('spiral')).toBe('spiral.loom.json');
    expect(withGraphSuffix('a.json')).toBe('a.loom.json');
    expect(checkWorkspaceName('../x.loom.json')).toBe('give a file name without folders');
    expect(checkWorkspaceName('.hidden.loom.json')).toBe('the name may not start with a dot');
    expect(checkWorkspaceName('a?.loom.json')).toMatch(/may not contain/);
    expect(checkWorkspaceName('my spiral.loom.json')).toBeNull();
  });
});
