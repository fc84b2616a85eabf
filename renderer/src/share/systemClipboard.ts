/**
 * Plain text on the system clipboard. Writing goes through a `copy` event first
 * (document.execCommand('copy') fires one synchronously): that needs no permission, which
 * matters in the desktop app, whose session denies every permission request, so the
 * asynchronous Clipboard API is only the fallback. Reading has no permission-free way
 * outside a `paste` event; the Clipboard API is tried, and may be refused.
 */
export async function writeSystemText(text: string): Promise<boolean> {
  if (writeThroughCopyEvent(text)) return true;
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function writeThroughCopyEvent(text: string): boolean {
  if (typeof document === 'undefined' || typeof document.execCommand !== 'function') return false;
  let wrote = false;
  // Capturing on window runs before the app's own copy handler, which this one stops.
  const onCopy = (event: ClipboardEvent) => {
    if (!event.clipboardData) return;
    event.clipboardData.setData('text/plain', text);
    event.preventDefault();
    event.stopImmediatePropagation();
    wrote = true;
  };
  window.addEventListener('copy', onCopy, true);
  try {
    document.execCommand('copy');
  } catch {
    // Not supported here: the Clipboard API is next.
  } finally {
    window.removeEventListener('copy', onCopy, true);
  }
  return wrote;
}

/** Whether the Clipboard API can be asked for text (it may still refuse). */
export function canReadSystemText(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.clipboard?.readText === 'function';
}

/** The text on the system clipboard, or null when it cannot be read (no permission, no API). */
export async function readSystemText(): Promise<string | null> {
  if (!canReadSystemText()) return null;
  try {
    return await navigator.clipboard.readText();
  } catch {
    return null;
  }
}

/** Whether the user has selected text on the page (then Copy copies that text, not nodes). */
export function hasTextSelection(): boolean {
  const selection = typeof window !== 'undefined' ? window.getSelection?.() : null;
  return !!selection && !selection.isCollapsed && selection.toString().trim() !== '';
}
