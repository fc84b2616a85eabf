/**
 * One command of the app. The same object serves the toolbar, the keyboard, the
 * context menu and the command palette, so they can never disagree.
 */
export interface Action<Ctx> {
  id: string;
  label: string | ((ctx: Ctx) => string);
  /** Shown in the command palette to group and find commands. */
  group: 'File' | 'Edit' | 'Node' | 'View' | 'Train' | 'Help';
  /** Keys as "Mod+Shift+Z" (Mod is Cmd on macOS, Ctrl elsewhere), "Delete", "/". */
  shortcuts?: string[];
  /** Also fires while typing in a field or the code editor (Save, command palette). */
  global?: boolean;
  enabled?(ctx: Ctx): boolean;
  perform(ctx: Ctx): void | Promise<void>;
}

export function actionLabel<Ctx>(action: Action<Ctx>, ctx: Ctx): string {
  return typeof action.label === 'function' ? action.label(ctx) : action.label;
}

export function isEnabled<Ctx>(action: Action<Ctx>, ctx: Ctx): boolean {
  return action.enabled ? action.enabled(ctx) : true;
}

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

interface ParsedShortcut {
  key: string;
  mod: boolean;
  shift: boolean;
  alt: boolean;
}

function parse(shortcut: string): ParsedShortcut {
  // "Mod++" names the plus key; split on '+' that is not the last character.
  const parts = shortcut.split(/\+(?!$)/);
  const key = parts.pop()!;
  return { key: key.toLowerCase(), mod: parts.includes('Mod'), shift: parts.includes('Shift'), alt: parts.includes('Alt') };
}

const KEY_ALIASES: Record<string, string> = { ' ': 'space', esc: 'escape', del: 'delete' };

/** Whether a key event is this shortcut. Mod means Cmd on macOS and Ctrl elsewhere. */
export function matchesShortcut(event: KeyLike, shortcut: string, isMac: boolean): boolean {
  const s = parse(shortcut);
  const key = KEY_ALIASES[event.key.toLowerCase()] ?? event.key.toLowerCase();
  const mod = isMac ? event.metaKey : event.ctrlKey;
  const otherMod = isMac ? event.ctrlKey : event.metaKey;
  if (otherMod || mod !== s.mod || event.altKey !== s.alt) return false;
  // Shifted symbols ("?" , "+") arrive with shiftKey set; only letters and named keys check Shift.
  const symbol = s.key.length === 1 && !/[a-z0-9]/.test(s.key);
  if (!symbol && event.shiftKey !== s.shift) return false;
  return key === s.key;
}

/** "Mod+Shift+Z" as shown in menus: ⌘⇧Z on macOS, Ctrl+Shift+Z elsewhere. */
export function formatShortcut(shortcut: string, isMac: boolean): string {
  const s = parse(shortcut);
  const key = s.key.length === 1 ? s.key.toUpperCase() : s.key[0].toUpperCase() + s.key.slice(1);
  if (isMac) return `${s.mod ? '⌘' : ''}${s.alt ? '⌥' : ''}${s.shift ? '⇧' : ''}${key}`;
  return [s.mod ? 'Ctrl' : '', s.alt ? 'Alt' : '', s.shift ? 'Shift' : '', key].filter(Boolean).join('+');
}

/** The first enabled action bound to this key event, if any. */
export function findShortcutAction<Ctx>(actions: readonly Action<Ctx>[], event: KeyLike, ctx: Ctx, opts: { isMac: boolean; inTextField: boolean }): Action<Ctx> | null {
  for (const action of actions) {
    if (opts.inTextField && !action.global) continue;
    if (!action.shortcuts?.some((s) => matchesShortcut(event, s, opts.isMac))) continue;
    if (isEnabled(action, ctx)) return action;
  }
  return null;
}
