// Finds a CBLAS to build the native backend against: OpenBLAS on Linux (Debian/Ubuntu:
// libopenblas-dev), Accelerate on macOS. Used by build.mjs to decide whether to build,
// and by binding.gyp (`node blas.mjs cflags|libs`) for the compiler flags.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** @returns {{ ok: true, include: string[], libs: string[], name: string } | { ok: false, reason: string }} */
export function findBlas() {
  if (process.platform === 'darwin') return { ok: true, include: [], libs: ['-framework Accelerate'], name: 'Accelerate' };
  if (process.platform === 'win32') return { ok: false, reason: 'the native backend is not built on Windows yet' };
  const env = process.env;
  if (env.TENSORLOOM_BLAS_INCLUDE && env.TENSORLOOM_BLAS_LIB) {
    return { ok: true, include: [env.TENSORLOOM_BLAS_INCLUDE], libs: [`-L${env.TENSORLOOM_BLAS_LIB}`, '-lopenblas'], name: 'OpenBLAS' };
  }
  const multiarch = gccMultiarch();
  const includeDirs = [
    multiarch && `/usr/include/${multiarch}/openblas-pthread`,
    multiarch && `/usr/include/${multiarch}/openblas-openmp`,
    multiarch && `/usr/include/${multiarch}/openblas-serial`,
    '/usr/include/openblas',
    '/usr/local/include/openblas',
    multiarch && `/usr/include/${multiarch}`,
    '/usr/include',
    '/usr/local/include',
    '/opt/OpenBLAS/include',
  ].filter(Boolean);
  const libDirs = [multiarch && `/usr/lib/${multiarch}`, '/usr/lib64', '/usr/lib', '/usr/local/lib', '/opt/OpenBLAS/lib'].filter(Boolean);
  // OpenBLAS's cblas.h comes with openblas_config.h; the reference cblas.h does not.
  const include = includeDirs.find((d) => existsSync(path.join(d, 'cblas.h')) && existsSync(path.join(d, 'openblas_config.h')));
  const lib = libDirs.find((d) => existsSync(path.join(d, 'libopenblas.so')));
  if (!include || !lib) {
    return { ok: false, reason: 'OpenBLAS development files were not found (Debian/Ubuntu: apt-get install libopenblas-dev)' };
  }
  return { ok: true, include: [include], libs: [`-L${lib}`, '-lopenblas'], name: 'OpenBLAS' };
}

function gccMultiarch() {
  try {
    return execFileSync('gcc', ['-print-multiarch'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const found = findBlas();
  const what = process.argv[2];
  if (!found.ok) process.exit(1);
  // gyp splits this output on whitespace.
  if (what === 'include') console.log(found.include.join(' '));
  else if (what === 'libs') console.log(found.libs.join(' '));
  else console.log(JSON.stringify(found));
}
