import { describe, expect, it } from 'vitest';
import { freeSpot } from './freeSpot.js';

describe('free spot for a new node', () => {
  it('keeps the preferred point when it is free', () => {
    expect(freeSpot([{ x: 500, y: 500, width: 100, height: 50 }], { x: 0, y: 0 })).toEqual({ x: 0, y: 0 });
  });

  it('moves off an occupied point to the nearest place that overlaps nothing', () => {
    const taken = [{ x: 0, y: 0, width: 170, height: 90 }];
    const p = freeSpot(taken, { x: 10, y: 10 });
    const overlaps = p.x < 170 + 24 && p.x + 170 + 24 > 0 && p.y < 90 + 24 && p.y + 90 + 24 > 0;
    expect(overlaps).toBe(false);
    expect(Math.hypot(p.x - 10, p.y - 10)).toBeLessThan(200);
  });
});
