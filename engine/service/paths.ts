import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where Tensorloom keeps its own state: `$TENSORLOOM_HOME`, else `~/.tensorloom`. */
export function tensorloomHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.TENSORLOOM_HOME ? resolve(env.TENSORLOOM_HOME) : join(homedir(), '.tensorloom');
}

export function defaultRecoveryDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(tensorloomHome(env), 'recovery');
}

/** The browser mode's folder of graph files, where the user keeps their work. */
export function defaultWorkspaceDir(): string {
  return join(homedir(), 'Tensorloom');
}

/**
 * The repository (or installed package) root: the nearest folder above this module
 * with Tensorloom's package.json (this module may also run bundled, from dist-electron/).
 */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'tensorloom') return dir;
      } catch {
        // Not ours: keep looking.
      }
    }
    if (dirname(dir) === dir) return resolve(here, '..', '..');
  }
}

export function defaultTemplatesDir(): string {
  return join(packageRoot(), 'templates');
}
