import type { MouseEvent } from 'react';
import type { BoundaryGrid, DatasetPreview, TreeAnalysis } from '../../../engine/protocol/messages.js';
import { boundaryImage } from '../charts/boundaryImage.js';
import { classColor, cssVar } from '../charts/colors.js';
import { useCanvas } from './useCanvas.js';

type Plane = NonNullable<TreeAnalysis['plane']>;

/**
 * The tree's leaves as regions of the input plane, drawn over the network's decision
 * boundary and the data: for an exact tree the outlines are where the network's linear
 * pieces meet, so the boundary runs along them. Click a region to pick its leaf.
 */
export function RegionsView({ plane, boundary, preview, selected, onSelect }: { plane: Plane; boundary: BoundaryGrid | null; preview: DatasetPreview | null; selected: number | null; onSelect(leaf: number | null): void }) {
  const ref = useCanvas(
    (ctx, w, h) => {
      const sx = (x: number) => ((x - plane.xMin) / (plane.xMax - plane.xMin)) * w;
      const sy = (y: number) => h - ((y - plane.yMin) / (plane.yMax - plane.yMin)) * h;
      ctx.fillStyle = cssVar('--panel-2', '#f6f7f9');
      ctx.fillRect(0, 0, w, h);
      if (boundary) drawBoundary(ctx, boundary, plane, w, h);
      const line = cssVar('--text', '#1c2330');
      ctx.lineJoin = 'round';
      for (const r of plane.regions) {
        trace(ctx, r.polygon, sx, sy);
        ctx.strokeStyle = line;
        ctx.globalAlpha = 0.38;
        ctx.lineWidth = 0.9;
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
      if (preview) {
        for (let i = 0; i < preview.x.length; i++) {
          ctx.beginPath();
          ctx.arc(sx(preview.x[i][0]), sy(preview.x[i][1]), 2.3, 0, Math.PI * 2);
          ctx.fillStyle = classColor(preview.y[i]);
          ctx.fill();
          ctx.lineWidth = 0.8;
          ctx.strokeStyle = 'rgba(255,255,255,0.9)';
          ctx.stroke();
        }
      }
      const chosen = plane.regions.find((r) => r.leaf === selected);
      if (chosen) {
        trace(ctx, chosen.polygon, sx, sy);
        ctx.fillStyle = cssVar('--accent-soft', 'rgba(47,111,222,0.12)');
        ctx.fill();
        ctx.strokeStyle = cssVar('--accent', '#2f6fde');
        ctx.lineWidth = 2.5;
        ctx.stroke();
      }
    },
    [plane, boundary, preview, selected],
    1,
  );

  const pick = (e: MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const x = plane.xMin + ((e.clientX - r.left) / r.width) * (plane.xMax - plane.xMin);
    const y = plane.yMin + (1 - (e.clientY - r.top) / r.height) * (plane.yMax - plane.yMin);
    const hit = plane.regions.find((reg) => inside(reg.polygon, x, y));
    onSelect(hit && hit.leaf !== selected ? hit.leaf : null);
  };

  return (
    <canvas
      className="square-plot regions-plot"
      ref={ref}
      data-testid="tree-regions"
      data-regions={plane.regions.length}
      aria-label={`${plane.regions.length} regions of the tree over the data`}
      onClick={pick}
    />
  );
}

function trace(ctx: CanvasRenderingContext2D, polygon: [number, number][], sx: (x: number) => number, sy: (y: number) => number) {
  ctx.beginPath();
  polygon.forEach(([x, y], i) => (i ? ctx.lineTo(sx(x), sy(y)) : ctx.moveTo(sx(x), sy(y))));
  ctx.closePath();
}

/** The boundary grid, pale, mapped onto the plane's box (they cover the same range). */
function drawBoundary(ctx: CanvasRenderingContext2D, grid: BoundaryGrid, plane: Plane, w: number, h: number) {
  const tmp = boundaryImage(grid, 28, 80);
  const sx = (x: number) => ((x - plane.xMin) / (plane.xMax - plane.xMin)) * w;
  const sy = (y: number) => h - ((y - plane.yMin) / (plane.yMax - plane.yMin)) * h;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, sx(grid.xMin), sy(grid.yMax), sx(grid.xMax) - sx(grid.xMin), sy(grid.yMin) - sy(grid.yMax));
}

/** Point in a convex polygon (the regions are convex: boxes cut by half-planes). */
function inside(polygon: [number, number][], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < polygon.length; i++) {
    const [x1, y1] = polygon[i];
    const [x2, y2] = polygon[(i + 1) % polygon.length];
    const cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
    if (cross === 0) continue;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return false;
  }
  return true;
}
