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

/** The repository (or installed package) root: two levels above this module. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

export function defaultTemplatesDir(): string {
  return join(packageRoot(), 'templates');
}
