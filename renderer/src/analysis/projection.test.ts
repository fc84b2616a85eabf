import { describe, expect, it } from 'vitest';
import { boxExtent, clampPitch, dragView, fitToCanvas, project, shadeOf, surfaceQuads } from './projection.js';

describe('3-D projection of the loss surface', () => {
  it('looks from the front and above: nearer points have larger depth, higher points sit higher on screen', () => {
    const view = { yaw: 0, pitch: 0.5 };
    const front = project(0, -1, 0.5, view);
    const back = project(0, 1, 0.5, view);
    expect(front.depth).toBeGreaterThan(back.depth);
    expect(project(0, 0, 1, view).sy).toBeGreaterThan(project(0, 0, 0, view).sy);
    // Straight down, x and y map to the screen unchanged.
    const down = project(0.3, -0.7, 0.2, { yaw: 0, pitch: Math.PI / 2 });
    expect(down.sx).toBeCloseTo(0.3, 12);
    expect(down.sy).toBeCloseTo(-0.7, 12);
  });

  it('turns about the vertical axis without changing heights or distances from the axis', () => {
    const a = project(1, 0, 0.8, { yaw: 0, pitch: Math.PI / 2 });
    const b = project(1, 0, 0.8, { yaw: Math.PI / 2, pitch: Math.PI / 2 });
    expect(Math.hypot(a.sx, a.sy)).toBeCloseTo(Math.hypot(b.sx, b.sy), 12);
    expect(b.sx).toBeCloseTo(0, 12);
    expect(b.sy).toBeCloseTo(1, 12);
  });

  it('rotates by mouse drag, keeping the pitch between side-on and straight down', () => {
    const v = dragView({ yaw: 0, pitch: 0.5 }, 100, 1000);
    expect(v.yaw).toBeCloseTo(1, 12);
    expect(v.pitch).toBe(Math.PI / 2);
    expect(clampPitch(-3)).toBeGreaterThan(0);
  });

  it('paints the surface far to near, one quad per cell, coloured by mean height', () => {
    const heights = [
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ];
    const quads = surfaceQuads(heights, { yaw: 0.3, pitch: 0.6 });
    expect(quads).toHaveLength(4);
    expect(quads.every((q, i) => i === 0 || q.depth >= quads[i - 1].depth)).toBe(true);
    expect(quads.every((q) => q.t === 0.25)).toBe(true);
  });

  it('shades slopes by a fixed light: a slope facing it brighter than one facing away, flat in between', () => {
    const flat = shadeOf([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]]);
    // The light comes from the −x side: a slope rising towards +x faces it, one rising towards −x faces away.
    const facing = shadeOf([[0, 0, 0], [1, 0, 0.8], [1, 1, 0.8], [0, 1, 0]]);
    const away = shadeOf([[0, 0, 0.8], [1, 0, 0], [1, 1, 0], [0, 1, 0.8]]);
    expect(facing).toBeGreaterThan(flat);
    expect(away).toBeLessThan(flat);
    expect(away).toBeGreaterThanOrEqual(0.5);
    expect(facing).toBeLessThanOrEqual(1);
  });

  it('fits the box into the canvas whatever the view', () => {
    for (const view of [{ yaw: 0, pitch: 0.1 }, { yaw: 2, pitch: 1.2 }]) {
      const map = fitToCanvas(boxExtent(view), 300, 200, 10);
      for (const x of [-1, 1]) for (const y of [-1, 1]) for (const z of [0, 0.9]) {
        const p = project(x, y, z, view);
        const [px, py] = map([p.sx, p.sy]);
        expect(px).toBeGreaterThanOrEqual(10 - 1e-9);
        expect(px).toBeLessThanOrEqual(290 + 1e-9);
        expect(py).toBeGreaterThanOrEqual(10 - 1e-9);
        expect(py).toBeLessThanOrEqual(190 + 1e-9);
      }
    }
  });
});
