import { describe, expect, it } from 'vitest';
import { READABLE_ZOOM, readableViewport } from './fitReadable.js';

describe('readable viewport', () => {
  it('centres a graph that fits, without zooming in past 1.1', () => {
    const v = readableViewport({ x: 0, y: 0, width: 400, height: 100 }, { width: 1000, height: 600 });
    expect(v.zoom).toBe(1.1);
    expect(v.x).toBeCloseTo((1000 - 440) / 2);
    expect(v.y).toBeCloseTo((600 - 110) / 2);
  });

  it('keeps a wide graph readable and shows its start', () => {
    const v = readableViewport({ x: 100, y: 0, width: 3000, height: 200 }, { width: 800, height: 600 });
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(v.x).toBeCloseTo(48 - 100 * READABLE_ZOOM);
  });
});
