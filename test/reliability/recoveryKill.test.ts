import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RecoveryStore } from '../../engine/service/recovery.js';
import { createRng } from '../../engine/util/hash.js';
import { inLanes, runAndKill } from '../fixtures/atomic/killTrials.js';
import { recoveryText } from './recoveryPayload.js';

/**
 * The autosave's store, killed at random moments while it writes (a 1.2 MB session,
 * A and B in turn): what the next start loads is always a whole autosave. The e2e
 * kill test shows the same through the app, but its small autosaves are seldom
 * caught in the middle of a write; this one catches many.
 */
const root = mkdtempSync(join(tmpdir(), 'tensorloom-recovery-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the recovery file under SIGKILL', () => {
  it('always loads as one whole autosave, never a torn one', async () => {
    const seed = Number(process.env.TENSORLOOM_TEST_SEED ?? Date.now() % 100000);
    const rng = createRng(seed);
    const versions = [recoveryText('A'), recoveryText('B')];
    const TRIALS = 24;
    const seen = [0, 0];
    let midSave = 0;
    await inLanes(TRIALS, 2, async (i) => {
      const dir = mkdtempSync(join(root, `t${i}-`));
      await runAndKill('test/reliability/recoverySaveLoop.ts', [dir, 'session'], rng() * 60);
      const loaded = await new RecoveryStore(dir).load('session');
      const v = versions.indexOf(loaded.text ?? '');
      expect(v, `trial ${i} (seed ${seed}): ${loaded.text?.length ?? 'no'} characters loaded, neither autosave A nor B`).toBeGreaterThanOrEqual(0);
      seen[v]++;
      // A temporary file left beside the record means the kill landed inside a save.
      if (readdirSync(dir).length > 1) midSave++;
    });
    console.log(`reliability: recovery store: ${TRIALS} SIGKILLs during autosaves of a 1.2 MB session (seed ${seed}), ${midSave} inside a write, loaded A ${seen[0]} / B ${seen[1]}, torn 0`);
    expect(midSave).toBeGreaterThan(0);
  });
});
