/** A picked file as the dialog needs it (a browser File has these, tests make plain objects). */
export interface PickedFile {
  name: string;
  size: number;
  /** `root/class/file.png` for a folder picked with webkitdirectory. */
  webkitRelativePath: string;
}

export interface ImageClass<F extends PickedFile = PickedFile> {
  name: string;
  files: F[];
}

export interface ImageFolder<F extends PickedFile = PickedFile> {
  root: string;
  classes: ImageClass<F>[];
  count: number;
  bytes: number;
  /** Files that are not PNG or JPEG, or lie outside a class folder (relative paths). */
  skipped: string[];
}

export type ImageFolderResult<F extends PickedFile = PickedFile> = { ok: true; folder: ImageFolder<F> } | { ok: false; message: string };

const IMAGE = /\.(png|jpe?g)$/i;
/** Characters the protocol refuses in a class or file name. */
const UNSAFE = /[\\:*?"<>|\u0000-\u001f]/u;

/**
 * Groups the files of a picked folder by class the way the engine's `images` dataset
 * reads the folder: each sub-folder is a class (sorted by name), PNG and JPEG files
 * inside it are its examples. Hidden files are left out silently, other files are
 * listed as skipped, and the problems the engine would refuse are returned as a message.
 */
export function groupImageFolder<F extends PickedFile>(files: readonly F[]): ImageFolderResult<F> {
  if (files.length === 0) return { ok: false, message: 'The folder is empty.' };
  const byClass = new Map<string, F[]>();
  const skipped: string[] = [];
  let loose = 0;
  let root = '';
  for (const f of files) {
    const parts = (f.webkitRelativePath || f.name).split('/');
    root ||= parts.length > 1 ? parts[0] : '';
    if (parts.some((p) => p.startsWith('.'))) continue;
    const rel = parts.slice(1).join('/');
    if (parts.length === 2) {
      if (IMAGE.test(f.name)) loose++;
      skipped.push(rel);
      continue;
    }
    if (parts.length !== 3 || !IMAGE.test(f.name) || UNSAFE.test(rel)) {
      skipped.push(rel);
      continue;
    }
    const list = byClass.get(parts[1]) ?? [];
    list.push(f);
    byClass.set(parts[1], list);
  }
  const names = [...byClass.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length < 2) {
    const found = names.length === 0 ? 'has no sub-folders with pictures' : `has pictures in only one sub-folder ("${names[0]}")`;
    const hint = loose > 0 ? ` Its ${loose} picture${loose > 1 ? 's lie' : ' lies'} directly in it: put each class's pictures in a sub-folder of its own.` : '';
    return { ok: false, message: `The folder “${root}” ${found}: an image dataset needs one sub-folder per class, at least two classes.${hint}` };
  }
  const classes = names.map((name) => ({ name, files: byClass.get(name)!.sort((a, b) => (a.name < b.name ? -1 : 1)) }));
  const count = classes.reduce((n, c) => n + c.files.length, 0);
  const bytes = classes.reduce((n, c) => n + c.files.reduce((m, f) => m + f.size, 0), 0);
  return { ok: true, folder: { root, classes, count, bytes, skipped } };
}
