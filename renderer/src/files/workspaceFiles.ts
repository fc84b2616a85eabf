import type { EngineClient } from '../../../engine/protocol/client.js';

export interface FileEntry {
  name: string;
  path: string;
  dir: boolean;
  size?: number;
  modified?: number;
}

/**
 * Files in the browser-mode server's workspace folder, through the engine protocol's
 * `files.list`, `files.read` and `files.write`. Replies are read leniently (a list or
 * `{entries}`, a string or `{text}`) so small protocol changes do not break the dialog.
 */
export interface WorkspaceFiles {
  list(dir?: string): Promise<FileEntry[]>;
  read(path: string): Promise<string>;
  write(path: string, text: string): Promise<void>;
}

type LooseRequest = (method: string, params: unknown) => Promise<unknown>;

export function workspaceFiles(client: EngineClient): WorkspaceFiles {
  // The files.* methods belong to browser mode; they may be missing from the typed table.
  const request = client.request.bind(client) as unknown as LooseRequest;
  return {
    async list(dir) {
      const reply = await request('files.list', dir ? { dir } : {});
      return normalizeEntries(reply, dir ?? '');
    },
    async read(path) {
      const reply = await request('files.read', { path });
      if (typeof reply === 'string') return reply;
      const text = (reply as { text?: unknown })?.text;
      if (typeof text !== 'string') throw new Error(`files.read gave no text for "${path}"`);
      return text;
    },
    async write(path, text) {
      await request('files.write', { path, text });
    },
  };
}

export function normalizeEntries(reply: unknown, dir: string): FileEntry[] {
  const raw = Array.isArray(reply) ? reply : ((reply as { entries?: unknown[]; files?: unknown[] })?.entries ?? (reply as { files?: unknown[] })?.files ?? []);
  const entries: FileEntry[] = [];
  for (const item of raw) {
    if (typeof item === 'string') {
      entries.push({ name: item.split('/').pop()!, path: joinPath(dir, item), dir: item.endsWith('/') });
      continue;
    }
    const e = item as Record<string, unknown>;
    const name = typeof e.name === 'string' ? e.name : typeof e.path === 'string' ? e.path.split('/').pop()! : null;
    if (!name) continue;
    const isDir = e.dir === true || e.isDirectory === true || e.type === 'dir' || e.type === 'directory' || e.kind === 'dir' || e.kind === 'directory';
    entries.push({
      name,
      path: typeof e.path === 'string' ? e.path : joinPath(dir, name),
      dir: isDir,
      ...(typeof e.size === 'number' ? { size: e.size } : {}),
      ...(typeof e.modified === 'number' ? { modified: e.modified } : typeof e.mtimeMs === 'number' ? { modified: e.mtimeMs } : {}),
    });
  }
  return entries.sort((a, b) => Number(b.dir) - Number(a.dir) || a.name.localeCompare(b.name));
}

function joinPath(dir: string, name: string): string {
  return dir ? `${dir.replace(/\/+$/, '')}/${name.replace(/\/+$/, '')}` : name.replace(/\/+$/, '');
}

/** Graph files end in .loom.json; a bare name gets the suffix. */
export function withGraphSuffix(name: string): string {
  const trimmed = name.trim();
  if (trimmed.endsWith('.loom.json')) return trimmed;
  if (trimmed.endsWith('.json')) return trimmed.replace(/\.json$/, '.loom.json');
  return `${trimmed}.loom.json`;
}

/** A workspace path the server will accept: relative, no '..', no empty segments. */
export function checkWorkspacePath(path: string): string | null {
  if (!path.trim()) return 'type a file name';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'use a path inside the workspace, not an absolute one';
  if (path.split('/').some((seg) => seg === '..' || seg === '')) return 'the path may not contain ".." or empty parts';
  if (/[\\:*?"<>|]/.test(path)) return 'the name may not contain \\ : * ? " < > |';
  return null;
}
