// Builds the Electron shell into dist-electron/: the main process (ESM), the sandboxed
// preload (one CommonJS file: a sandboxed preload cannot load modules), and the engine
// worker (ESM, so no TypeScript loader is needed at run time). Packages stay external
// and load from node_modules; our TypeScript is bundled.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist-electron');
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

await Promise.all([
  build({ ...common, entryPoints: ['electron/main.ts'], outfile: join(out, 'main.js'), format: 'esm', packages: 'external' }),
  build({ ...common, entryPoints: ['electron/preload.ts'], outfile: join(out, 'preload.cjs'), format: 'cjs', external: ['electron'] }),
  build({ ...common, entryPoints: ['engine/service/engineEntry.ts'], outfile: join(out, 'engine.mjs'), format: 'esm', packages: 'external' }),
]);
console.log(`built the Electron shell into ${out}`);
