import type { Box } from './fitReadable.js';

const DEFAULT_SIZE = { width: 170, height: 90 };

/**
 * Where a new node goes: the preferred point if nothing is there, else the nearest free
 * place on rings around it, so added nodes never land on top of existing ones.
 */
export function freeSpot(taken: readonly Box[], preferred: { x: number; y: number }, size = DEFAULT_SIZE, gap = 24): { x: number; y: number } {
  const fits = (x: number, y: number) =>
    taken.every((b) => x + size.width + gap <= b.x || b.x + b.width + gap <= x || y + size.height + gap <= b.y || b.y + b.height + gap <= y);
  if (fits(preferred.x, preferred.y)) return preferred;
  const step = 40;
  for (let ring = 1; ring <= 40; ring++) {
    // Below and to the right first: where the eye expects the next node.
    const candidates: { x: number; y: number }[] = [];
    for (let i = -ring; i <= ring; i++) {
      candidates.push({ x: preferred.x + i * step, y: preferred.y + ring * step });
      candidates.push({ x: preferred.x + ring * step, y: preferred.y + i * step });
      candidates.push({ x: preferred.x + i * step, y: preferred.y - ring * step });
      candidates.push({ x: preferred.x - ring * step, y: preferred.y + i * step });
    }
    candidates.sort((a, b) => Math.hypot(a.x - preferred.x, a.y - preferred.y) - Math.hypot(b.x - preferred.x, b.y - preferred.y));
    const found = candidates.find((c) => fits(c.x, c.y));
    if (found) return found;
  }
  return { x: preferred.x, y: preferred.y + 40 * 41 };
}
