import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import type { OpenedFile, RecentFile, SavedFile } from '../engine/protocol/bridge.js';
import { GraphSchema } from '../engine/graph/schema.js';
import { MAX_MESSAGE_BYTES } from '../engine/protocol/messages.js';
import { writeFileAtomic } from '../engine/util/atomicWrite.js';

export const RECENT_LIMIT = 10;
const FILTERS = [{ name: 'Tensorloom graph', extensions: ['json'] }];

/** The dialogs the files need (Electron's dialog module, or a fake in tests). */
export interface Dialogs {
  showOpenDialog(options: { title: string; filters: typeof FILTERS; properties: ['openFile'] }): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(options: { title: string; defaultPath: string; filters: typeof FILTERS }): Promise<{ canceled: boolean; filePath?: string }>;
}

export const DocumentSchema = z.object({ path: z.string().max(4096).nullable(), text: z.string().max(MAX_MESSAGE_BYTES) });
export const PathSchema = z.string().min(1).max(4096);

/**
 * Open, Save, Save As and the recent list for the window. The page never names a path
 * the user did not choose: it may save only to a file opened or picked in a dialog (or
 * on the recent list), so a compromised page cannot write anywhere else. Saves are
 * atomic, so a crash mid-save leaves the old file or the new, never a torn one.
 */
export class DocumentFiles {
  private granted = new Set<string>();
  private recentList: string[] = [];

  constructor(
    private dialogs: Dialogs,
    private recentFile: string,
    private onRecentChanged: (recent: RecentFile[]) => void = () => {},
  ) {}

  async loadRecent(): Promise<void> {
    try {
      const parsed = z.array(PathSchema).safeParse(JSON.parse(await readFile(this.recentFile, 'utf8')));
      this.recentList = parsed.success ? parsed.data.slice(0, RECENT_LIMIT) : [];
    } catch {
      this.recentList = [];
    }
    for (const p of this.recentList) this.granted.add(p);
  }

  async open(): Promise<OpenedFile | null> {
    const picked = await this.dialogs.showOpenDialog({ title: 'Open graph', filters: FILTERS, properties: ['openFile'] });
    if (picked.canceled || !picked.filePaths[0]) return null;
    return this.read(picked.filePaths[0]);
  }

  async openRecent(path: string): Promise<OpenedFile | null> {
    if (!this.recentList.includes(path)) return null;
    return this.read(path);
  }

  async save(document: { path: string | null; text: string }): Promise<SavedFile | null> {
    if (document.path && this.granted.has(document.path)) return this.write(document.path, document.text);
    return this.saveAs(document);
  }

  async saveAs(document: { path: string | null; text: string }): Promise<SavedFile | null> {
    const picked = await this.dialogs.showSaveDialog({ title: 'Save graph', defaultPath: document.path ?? 'untitled.loom.json', filters: FILTERS });
    if (picked.canceled || !picked.filePath) return null;
    const path = /\.json$/i.test(picked.filePath) ? picked.filePath : `${picked.filePath}.loom.json`;
    return this.write(path, document.text);
  }

  /**
   * A file the system asked the app to open (the file association, a command line, a
   * second start): read as text and checked to be a graph before it goes on the recent
   * list, which lets the page open it (files.openRecent) and save back to it.
   */
  async openFromSystem(path: string): Promise<OpenedFile> {
    const text = await this.readText(path);
    const problem = graphProblem(text);
    if (problem) throw new Error(`${basename(path)} is not a Tensorloom graph: ${problem}`);
    await this.remember(path);
    return { path, name: basename(path), text };
  }

  recent(): RecentFile[] {
    return this.recentList.map((path) => ({ path, name: basename(path) }));
  }

  private async read(path: string): Promise<OpenedFile> {
    const text = await this.readText(path);
    await this.remember(path);
    return { path, name: basename(path), text };
  }

  private async readText(path: string): Promise<string> {
    const info = await stat(path);
    if (!info.isFile()) throw new Error(`${basename(path)} is not a file`);
    if (info.size > MAX_MESSAGE_BYTES) throw new Error(`${basename(path)} is ${info.size} bytes: graph files up to ${MAX_MESSAGE_BYTES} bytes can be opened`);
    return readFile(path, 'utf8');
  }

  private async write(path: string, text: string): Promise<SavedFile> {
    await writeFileAtomic(path, text);
    await this.remember(path);
    return { path, name: basename(path) };
  }

  private async remember(path: string): Promise<void> {
    this.granted.add(path);
    this.recentList = [path, ...this.recentList.filter((p) => p !== path)].slice(0, RECENT_LIMIT);
    try {
      await writeFileAtomic(this.recentFile, JSON.stringify(this.recentList, null, 2));
    } catch {
      // The recent list is a convenience: failing to store it must not fail the save.
    }
    this.onRecentChanged(this.recent());
  }
}

/** What keeps the text from being a graph file (JSON checked by the format's schema), or null. */
export function graphProblem(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `it is not valid JSON (${(err as Error).message})`;
  }
  const parsed = GraphSchema.safeParse(value);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}
