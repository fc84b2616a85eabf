import { z } from 'zod';
import { IPC } from '../engine/protocol/bridge.js';
import { checkRequest, type Response } from '../engine/protocol/messages.js';
import { DocumentSchema, PathSchema, type DocumentFiles } from './files.js';
import type { IpcSender } from './security.js';

/** The parts of ipcMain used here (a fake in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSender, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: IpcSender, ...args: unknown[]) => void): void;
}

export interface IpcDeps {
  ipcMain: IpcMainLike;
  engine: { send(message: { id: number; method: string; params?: unknown }, onReply: (response: Response) => void): void };
  files: Pick<DocumentFiles, 'open' | 'openRecent' | 'save' | 'saveAs' | 'recent'>;
  isTrustedSender(event: IpcSender): boolean;
  setDocument(event: IpcSender, state: { name: string; dirty: boolean }): void;
}

const DocumentStateSchema = z.object({ name: z.string().max(500), dirty: z.boolean() });

export class IpcRefusal extends Error {}

/**
 * Every channel the page can use. Each checks first that the message comes from the
 * app's own page (top frame, app origin), then checks its payload with a schema;
 * engine requests are checked with the protocol's `checkRequest`, the same check the
 * engine applies again on its side. Nothing unchecked reaches the engine or the disk.
 */
export function registerIpc(deps: IpcDeps): void {
  const { ipcMain, engine, files } = deps;
  const guard = (event: IpcSender) => {
    if (!deps.isTrustedSender(event)) throw new IpcRefusal('refused: this message does not come from the Tensorloom window');
  };

  ipcMain.handle(IPC.request, (event, raw) => {
    if (!deps.isTrustedSender(event)) return refusal(raw, 'forbidden', 'refused: this message does not come from the Tensorloom window');
    const checked = checkRequest(raw);
    if (!checked.ok) return { id: checked.id ?? -1, ok: false, error: { code: 'bad-request', message: checked.message } } satisfies Response;
    return new Promise<Response>((resolve) => engine.send({ id: checked.id, method: checked.method, params: checked.params }, resolve));
  });

  ipcMain.handle(IPC.filesOpen, (event) => {
    guard(event);
    return files.open();
  });
  ipcMain.handle(IPC.filesOpenRecent, (event, path) => {
    guard(event);
    return files.openRecent(PathSchema.parse(path));
  });
  ipcMain.handle(IPC.filesSave, (event, document) => {
    guard(event);
    return files.save(DocumentSchema.parse(document));
  });
  ipcMain.handle(IPC.filesSaveAs, (event, document) => {
    guard(event);
    return files.saveAs(DocumentSchema.parse(document));
  });
  ipcMain.handle(IPC.filesRecent, (event) => {
    guard(event);
    return files.recent();
  });
  ipcMain.on(IPC.document, (event, state) => {
    if (!deps.isTrustedSender(event)) return;
    const parsed = DocumentStateSchema.safeParse(state);
    if (parsed.success) deps.setDocument(event, parsed.data);
  });
}

function refusal(raw: unknown, code: string, message: string): Response {
  const id = (raw as { id?: unknown } | null)?.id;
  return { id: typeof id === 'number' && Number.isInteger(id) ? id : -1, ok: false, error: { code, message } };
}

/** "name • — Tensorloom" while unsaved, "name — Tensorloom" once saved. */
export function windowTitle(state: { name: string; dirty: boolean }): string {
  const name = state.name.trim() || 'Untitled';
  return `${name}${state.dirty ? ' •' : ''} — Tensorloom`;
}
