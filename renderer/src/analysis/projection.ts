/**
 * A small 3-D view of a loss surface drawn on a 2-D canvas: the grid becomes quads in a
 * unit box (x, y in [−1, 1], height z in [0, 1]), turned by a yaw about the vertical
 * axis and a pitch towards the viewer, projected orthographically, and painted far to
 * near (painter's algorithm), which is exact for a height field seen from above.
 */
export interface View3D {
  /** Turn about the vertical axis, radians. */
  yaw: number;
  /** Elevation of the eye above the x-y plane, radians (0 side-on, π/2 straight down). */
  pitch: number;
}

export const DEFAULT_VIEW: View3D = { yaw: -0.6, pitch: 0.55 };

/** Pitch stays between nearly side-on and straight down, so the surface never flips. */
export function clampPitch(pitch: number): number {
  return Math.max(0.08, Math.min(Math.PI / 2, pitch));
}

/** The view after a mouse drag of (dx, dy) pixels. */
export function dragView(view: View3D, dx: number, dy: number, speed = 0.01): View3D {
  return { yaw: view.yaw + dx * speed, pitch: clampPitch(view.pitch + dy * speed) };
}

/**
 * Camera coordinates of a point of the box: sx to the right, sy up on screen, depth
 * towards the viewer (bigger is nearer). z is lifted by −0.5 so the box turns about its middle.
 */
export function project(x: number, y: number, z: number, view: View3D): { sx: number; sy: number; depth: number } {
  const c = Math.cos(view.yaw);
  const s = Math.sin(view.yaw);
  // Turn about the vertical axis.
  const xr = x * c - y * s;
  const yr = x * s + y * c;
  // Tilt: the eye looks along −yr from above by `pitch`.
  const cp = Math.cos(view.pitch);
  const sp = Math.sin(view.pitch);
  const zc = z - 0.5;
  return { sx: xr, sy: zc * cp + yr * sp, depth: -yr * cp + zc * sp };
}

export interface Quad {
  /** Corners in screen units (before fitting to the canvas), counter-clockwise. */
  points: [number, number][];
  /** Mean height of the cell, 0 to 1 (for its colour). */
  t: number;
  depth: number;
  /** Brightness from a fixed light, 0.5 (facing away) to 1 (facing it): slopes read as shape. */
  shade: number;
}

/** Light from the front left, above (world coordinates, unit length). */
const LIGHT = (() => {
  const v = [-0.45, -0.55, 0.7];
  const n = Math.hypot(...v);
  return v.map((c) => c / n) as [number, number, number];
})();

/**
 * The surface's cells as projected quads, sorted far to near. `heights[j][i]` is in
 * [0, 1] (already on the colour scale); rows follow y, columns x.
 */
export function surfaceQuads(heights: number[][], view: View3D, zScale = 0.9): Quad[] {
  const rows = heights.length;
  const cols = heights[0]?.length ?? 0;
  if (rows < 2 || cols < 2) return [];
  const X = (i: number) => -1 + (2 * i) / (cols - 1);
  const Y = (j: number) => -1 + (2 * j) / (rows - 1);
  const quads: Quad[] = [];
  for (let j = 0; j + 1 < rows; j++) {
    for (let i = 0; i + 1 < cols; i++) {
      const corners: [number, number][] = [
        [i, j],
        [i + 1, j],
        [i + 1, j + 1],
        [i, j + 1],
      ];
      let depth = 0;
      let t = 0;
      const world = corners.map(([ci, cj]) => [X(ci), Y(cj), clamp01(heights[cj][ci]) * zScale]);
      const points = world.map(([x, y, z]) => {
        t += z / zScale / 4;
        const p = project(x, y, z, view);
        depth += p.depth / 4;
        return [p.sx, p.sy] as [number, number];
      });
      quads.push({ points, t, depth, shade: shadeOf(world) });
    }
  }
  return quads.sort((a, b) => a.depth - b.depth);
}

/** The box's 8 corners' screen extent, so the drawing fits whatever the view. */
export function boxExtent(view: View3D, zScale = 0.9): { minX: number; maxX: number; minY: number; maxY: number } {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const x of [-1, 1]) for (const y of [-1, 1]) for (const z of [0, zScale]) {
    const p = project(x, y, z, view);
    minX = Math.min(minX, p.sx);
    maxX = Math.max(maxX, p.sx);
    minY = Math.min(minY, p.sy);
    maxY = Math.max(maxY, p.sy);
  }
  return { minX, maxX, minY, maxY };
}

/** Maps screen units to canvas pixels: fits the extent into width × height with a margin, y downwards. */
export function fitToCanvas(extent: ReturnType<typeof boxExtent>, width: number, height: number, margin = 14): (p: [number, number]) => [number, number] {
  const w = extent.maxX - extent.minX || 1;
  const h = extent.maxY - extent.minY || 1;
  const k = Math.min((width - 2 * margin) / w, (height - 2 * margin) / h);
  const ox = (width - w * k) / 2;
  const oy = (height - h * k) / 2;
  return ([x, y]) => [ox + (x - extent.minX) * k, height - (oy + (y - extent.minY) * k)];
}

/** Lambert shading of a quad from its diagonals' normal (pointing up). */
export function shadeOf(corners: number[][]): number {
  const d1 = [0, 1, 2].map((k) => corners[2][k] - corners[0][k]);
  const d2 = [0, 1, 2].map((k) => corners[3][k] - corners[1][k]);
  let n = [d1[1] * d2[2] - d1[2] * d2[1], d1[2] * d2[0] - d1[0] * d2[2], d1[0] * d2[1] - d1[1] * d2[0]];
  if (n[2] < 0) n = n.map((c) => -c);
  const len = Math.hypot(...n) || 1;
  const lambert = Math.max(0, (n[0] * LIGHT[0] + n[1] * LIGHT[1] + n[2] * LIGHT[2]) / len);
  return 0.5 + 0.5 * lambert;
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.max(0, Math.min(1, v)) : 1;
}
