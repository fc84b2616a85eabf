/**
 * Colour scales for the data views. Class colours are distinguishable for common colour
 * blindness (Okabe–Ito); the diverging scale puts zero at a neutral grey.
 */
export const CLASS_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#6b6b6b', '#8c510a', '#01665e'];

export function classColor(c: number): string {
  return CLASS_COLORS[((c % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length];
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Blue for negative, grey at zero, red for positive; t in [-1, 1]. */
export function diverging(t: number, dark: boolean): [number, number, number] {
  const mid: [number, number, number] = dark ? [40, 44, 52] : [245, 245, 245];
  const neg: [number, number, number] = [33, 102, 172];
  const pos: [number, number, number] = [202, 48, 48];
  const x = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const end = x < 0 ? neg : pos;
  const a = Math.abs(x);
  return [0, 1, 2].map((i) => Math.round(mid[i] + (end[i] - mid[i]) * a)) as [number, number, number];
}

export function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}
