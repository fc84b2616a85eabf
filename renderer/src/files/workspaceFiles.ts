import type { EngineClient } from '../../../engine/protocol/client.js';
import { WORKSPACE_FILE_NAME, type WorkspaceFile } from '../../../engine/protocol/messages.js';

/**
 * Graph files in the browser-mode server's workspace folder (flat: names ending in
 * .loom.json, no folders), through the protocol's files.* methods.
 */
export interface WorkspaceFiles {
  list(): Promise<{ workspace: string; files: WorkspaceFile[] }>;
  read(name: string): Promise<string>;
  write(name: string, text: string): Promise<void>;
}

export function workspaceFiles(client: () => EngineClient): WorkspaceFiles {
  return {
    async list() {
      const reply = await client().request('files.list', {});
      return { workspace: reply.workspace, files: [...reply.files].sort((a, b) => b.modifiedMs - a.modifiedMs) };
    },
    async read(name) {
      return (await client().request('files.read', { name })).text;
    },
    async write(name, text) {
      await client().request('files.write', { name, text });
    },
  };
}

/** Graph files end in .loom.json; a bare name gets the suffix. */
export function withGraphSuffix(name: string): string {
  const trimmed = name.trim();
  if (trimmed.endsWith('.loom.json')) return trimmed;
  if (trimmed.endsWith('.json')) return trimmed.replace(/\.json$/, '.loom.json');
  return `${trimmed}.loom.json`;
}

/** Why the server would refuse this name, in words, or null when it is fine. */
export function checkWorkspaceName(name: string): string | null {
  if (!name.trim() || name.trim() === '.loom.json') return 'type a file name';
  if (/[/\\]/.test(name)) return 'give a file name without folders';
  if (name.startsWith('.')) return 'the name may not start with a dot';
  if (/[:*?"<>|\u0000-\u001f]/u.test(name)) return 'the name may not contain : * ? " < > |';
  if (!WORKSPACE_FILE_NAME.test(name)) return 'use a name of up to 200 characters ending in .loom.json';
  return null;
}
