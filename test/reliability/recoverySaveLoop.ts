// Child process for the recovery kill test: autosaves versions A and B of a large
// session in turn through the engine's RecoveryStore until killed. Prints "ready" once
// the first save is complete. Stops by itself after 20 s (orphan guard).
import { RecoveryStore } from '../../engine/service/recovery.js';
import { recoveryText } from './recoveryPayload.js';

const [dir, key] = process.argv.slice(2);
const store = new RecoveryStore(dir);
const versions = [recoveryText('A'), recoveryText('B')];
const deadline = Date.now() + 20_000;
await store.save(key, versions[0]);
process.stdout.write('ready\n');
for (let i = 1; Date.now() < deadline; i++) await store.save(key, versions[i % 2]);
