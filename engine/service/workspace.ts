import { lstat, mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { WORKSPACE_FILE_NAME, type WorkspaceFile } from '../protocol/messages.js';
import { writeFileAtomic } from '../util/atomicWrite.js';
import { ServiceError } from './serviceError.js';

/** Largest graph file the workspace reads (the protocol's message cap bounds it anyway). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The browser mode's files: graph files (`*.loom.json`) directly inside one folder.
 * A browser page gets no file dialogs, so this is its Open and Save. Names are checked
 * twice: by the protocol's schema, and here against the resolved path, so neither
 * `..`, an absolute path, a folder, nor a symlink pointing outside reaches the disk.
 */
export class Workspace {
  constructor(readonly dir: string) {}

  async list(): Promise<WorkspaceFile[]> {
    let entries;
    try {
      entries = await readdir(this.dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const files: WorkspaceFile[] = [];
    for (const e of entries) {
      if (!e.isFile() || !WORKSPACE_FILE_NAME.test(e.name)) continue;
      const s = await stat(join(this.dir, e.name));
      files.push({ name: e.name, size: s.size, modifiedMs: Math.round(s.mtimeMs) });
    }
    return files.sort((a, b) => b.modifiedMs - a.modifiedMs || a.name.localeCompare(b.name));
  }

  async read(name: string): Promise<string> {
    const path = await this.pathFor(name, 'existing');
    const s = await stat(path);
    if (s.size > MAX_FILE_BYTES) throw new ServiceError('too-large', `"${name}" is ${s.size} bytes; files up to ${MAX_FILE_BYTES} bytes can be opened`);
    return readFile(path, 'utf8');
  }

  async write(name: string, text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = await this.pathFor(name, 'new-or-existing');
    await writeFileAtomic(path, text);
  }

  /** The file's path inside the workspace, or a refusal naming what is wrong. */
  async pathFor(name: string, mode: 'existing' | 'new-or-existing'): Promise<string> {
    checkName(name);
    const root = await realpath(this.dir).catch(() => resolve(this.dir));
    const path = join(root, name);
    if (!inside(root, path)) throw new ServiceError('forbidden', `"${name}" is outside the workspace`);
    let info;
    try {
      info = await lstat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (mode === 'existing') throw new ServiceError('not-found', `no file "${name}" in the workspace`);
      return path;
    }
    // A symlink could lead anywhere: follow it only when it stays inside.
    if (info.isSymbolicLink() && !inside(root, await realpath(path))) throw new ServiceError('forbidden', `"${name}" links outside the workspace`);
    if (info.isDirectory()) throw new ServiceError('forbidden', `"${name}" is a folder`);
    return path;
  }
}

function checkName(name: string): void {
  if (isAbsolute(name) || name.includes('/') || name.includes('\\') || name.split(/[\\/]/).includes('..')) {
    throw new ServiceError('forbidden', `"${name.slice(0, 100)}": give a file name without folders`);
  }
  if (!WORKSPACE_FILE_NAME.test(name)) {
    throw new ServiceError('forbidden', `"${name.slice(0, 100)}": only graph files (*.loom.json) can be read and written`);
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
