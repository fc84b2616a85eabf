// Builds the optional native backend (N-API addon over BLAS) at install time. It never
// fails the install: where a compiler, node-gyp or BLAS is missing it prints one line and
// leaves the engine on WebAssembly. Full compiler output goes to native/build.log.
//
//   node native/build.mjs           build (or skip with a reason)
//   TENSORLOOM_SKIP_NATIVE=1         skip on purpose
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBlas } from './blas.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const logFile = path.join(here, 'build.log');
const addon = path.join(here, 'build', 'Release', 'tensorloom_native.node');

function skip(reason) {
  console.log(`tensorloom: native backend not built: ${reason}. Training uses WebAssembly instead.`);
  process.exit(0);
}

function findNodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    // npm ships node-gyp; find it next to this node binary.
    const bundled = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    return existsSync(bundled) ? bundled : null;
  }
}

/** The first missing build tool (node-gyp needs a C++ compiler, make and Python 3), or null. */
function missingTool() {
  const works = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  const cxx = process.env.CXX ?? (process.platform === 'darwin' ? 'clang++' : 'g++');
  if (!works(cxx, ['--version']) && !works('c++', ['--version'])) return 'no C++ compiler was found (Debian/Ubuntu: apt-get install g++ make)';
  if (process.platform !== 'win32' && !works('make', ['--version'])) return 'make was not found (Debian/Ubuntu: apt-get install make)';
  if (!works(process.env.PYTHON ?? 'python3', ['--version'])) return 'Python 3 was not found (node-gyp needs it)';
  return null;
}

/** Node's own headers, so node-gyp does not try to download them (offline machines). */
function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

try {
  if (process.env.TENSORLOOM_SKIP_NATIVE) skip('TENSORLOOM_SKIP_NATIVE is set');
  const tool = missingTool();
  if (tool) skip(tool);
  const blas = findBlas();
  if (!blas.ok) skip(blas.reason);
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) skip('node-gyp was not found (it comes with npm)');
  const started = Date.now();
  const r = spawnSync(process.execPath, [nodeGyp, 'rebuild', ...nodeDirArgs()], {
    cwd: here,
    encoding: 'utf8',
    timeout: 10 * 60_000,
    env: { ...process.env, JOBS: process.env.JOBS ?? '2' },
  });
  writeFileSync(logFile, `${r.stdout ?? ''}\n${r.stderr ?? ''}\n${r.error ? String(r.error) : ''}`);
  if (r.status !== 0 || !existsSync(addon)) {
    const firstError = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').find((l) => /error/i.test(l))?.trim();
    skip(`the build failed (${firstError ? firstError.slice(0, 160) : `exit ${r.status}`}; see native/build.log)`);
  }
  // Load it once in a child process: a missing shared library shows up here, not in the app.
  const check = spawnSync(process.execPath, ['-e', `const a = require(${JSON.stringify(addon)}); if (typeof a.matmul !== 'function') process.exit(3);`], {
    encoding: 'utf8',
  });
  if (check.status !== 0) skip(`the addon was built but does not load (${(check.stderr || `exit ${check.status}`).split('\n')[0]})`);
  console.log(`tensorloom: native backend built against ${blas.name} in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
} catch (err) {
  skip(`unexpected error: ${err?.message ?? err}`);
}
