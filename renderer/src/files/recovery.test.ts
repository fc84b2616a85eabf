import { describe, expect, it } from 'vitest';
import { EngineClient } from '../../../engine/protocol/client.js';
import { createDocStore } from '../doc/docStore.js';
import { setParam } from '../doc/graphEdits.js';
import { spiralGraph } from '../doc/testGraphs.js';
import { fakeTransport } from '../engine/fakeEngine.js';
import { createAutosave, decodeRecovery } from './recovery.js';
import { checkWorkspaceName, withGraphSuffix } from './workspaceFiles.js';

function setup() {
  const saved = new Map<string, string>();
  const fake = fakeTransport({
    'recovery.save': ({ key, text }) => (saved.set(key, text), { saved: true }),
    'recovery.clear': ({ key }) => ({ cleared: saved.delete(key) }),
  });
  const client = new EngineClient(fake.transport);
  const doc = createDocStore();
  doc.load(spiralGraph(), { path: 'spiral.loom.json', name: 'spiral.loom.json' });
  return { saved, fake, doc, autosave: createAutosave(doc, () => client) };
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
