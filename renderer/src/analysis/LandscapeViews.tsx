import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Landscape2D } from '../../../engine/protocol/messages.js';
import { cssVar } from '../charts/colors.js';
import { bilinear, contourLevels, contourSegments, formatLoss, lossColor, lossScale, type LossScale } from './contour.js';
import { boxExtent, DEFAULT_VIEW, dragView, fitToCanvas, project, surfaceQuads, type View3D } from './projection.js';
import { useCanvas, useThemeKey } from './useCanvas.js';

const CONTOURS = 9;
const AXIS_FONT = '12px system-ui, sans-serif';

/**
 * The 2-D slice as a map: colour by loss (log scale when it spans orders of magnitude),
 * contour lines at even steps of the scale, the trained weights at the centre, the
 * lowest point, and the training path when the axes come from it.
 */
export function ContourMap({ land }: { land: Landscape2D }) {
  const scale = lossScale(land.grid.flat());
  const ref = useCanvas(
    (ctx, w, h) => {
      const m = { left: 40, right: 8, top: 8, bottom: 34 };
      const pw = w - m.left - m.right;
      const ph = h - m.top - m.bottom;
      const rows = land.grid.length;
      const cols = land.grid[0]?.length ?? 0;
      // The map, sampled smoothly between grid points.
      const iw = Math.max(1, Math.round(pw));
      const ih = Math.max(1, Math.round(ph));
      const img = new ImageData(iw, ih);
      for (let py = 0; py < ih; py++) {
        const v = (1 - py / (ih - 1 || 1)) * (rows - 1);
        for (let px = 0; px < iw; px++) {
          const u = (px / (iw - 1 || 1)) * (cols - 1);
          const [r, g, b] = lossColor(scale.t(bilinear(land.grid, u, v)));
          img.data.set([r, g, b, 255], (py * iw + px) * 4);
        }
      }
      const tmp = document.createElement('canvas');
      tmp.width = iw;
      tmp.height = ih;
      tmp.getContext('2d')!.putImageData(img, 0, 0);
      ctx.drawImage(tmp, m.left, m.top, pw, ph);

      const gx = (i: number) => m.left + (i / (cols - 1)) * pw;
      const gy = (j: number) => m.top + ph - (j / (rows - 1)) * ph;
      ctx.lineWidth = 1;
      for (const [k, level] of contourLevels(scale, CONTOURS).entries()) {
        ctx.strokeStyle = k < CONTOURS / 2 ? 'rgba(255,255,255,0.55)' : 'rgba(20,30,50,0.35)';
        ctx.beginPath();
        for (const [i1, j1, i2, j2] of contourSegments(land.grid, level)) {
          ctx.moveTo(gx(i1), gy(j1));
          ctx.lineTo(gx(i2), gy(j2));
        }
        ctx.stroke();
      }

      // Axis coordinates to pixels.
      const ax = (x: number) => m.left + ((x - land.xs[0]) / (land.xs[cols - 1] - land.xs[0] || 1)) * pw;
      const ay = (y: number) => m.top + ph - ((y - land.ys[0]) / (land.ys[rows - 1] - land.ys[0] || 1)) * ph;
      if (land.path) {
        ctx.strokeStyle = '#ffffff';
        ctx.lineWidth = 2;
        ctx.beginPath();
        land.path.forEach((p, i) => (i ? ctx.lineTo(ax(p.x), ay(p.y)) : ctx.moveTo(ax(p.x), ay(p.y))));
        ctx.stroke();
        for (const p of land.path) dot(ctx, ax(p.x), ay(p.y), 3, '#ffffff', 'rgba(20,30,50,0.6)');
      }
      dot(ctx, ax(land.min.x), ay(land.min.y), 4, 'rgba(255,255,255,0.95)', '#1c2330');
      // The trained weights: a ring, so the loss under it stays visible.
      ctx.beginPath();
      ctx.arc(ax(0), ay(0), 6, 0, Math.PI * 2);
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = '#d0543a';
      ctx.stroke();

      const text = cssVar('--text-dim', '#5a6474');
      ctx.fillStyle = text;
      ctx.font = AXIS_FONT;
      ctx.textAlign = 'center';
      for (const x of ticks(land.xs)) ctx.fillText(fmtTick(x), ax(x), m.top + ph + 15);
      ctx.fillText(land.directions === 'trajectory' ? `path direction 1 (${pctOf(land.explained?.[0])})` : 'direction δ (filter-normalised)', m.left + pw / 2, h - 4);
      ctx.textAlign = 'right';
      for (const y of ticks(land.ys)) ctx.fillText(fmtTick(y), m.left - 6, ay(y) + 4);
      ctx.save();
      ctx.translate(11, m.top + ph / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = 'center';
      ctx.fillText(land.directions === 'trajectory' ? `direction 2 (${pctOf(land.explained?.[1])})` : 'direction η', 0, 0);
      ctx.restore();
    },
    [land],
    0.88,
  );
  return (
    <figure className="landscape-figure">
      <canvas ref={ref} className="landscape-canvas" data-testid="landscape-heatmap" data-grid={land.grid.length} data-path={land.path?.length ?? 0} data-center={land.centerLoss} data-min={land.min.loss} aria-label="loss landscape, contour map" />
      <ScaleLegend scale={scale} />
    </figure>
  );
}

/**
 * The same slice as a surface, height by loss (on the map's scale), turned with the
 * mouse. Drawn on a 2-D canvas far quads first; no WebGL needed.
 */
export function Surface3D({ land }: { land: Landscape2D }) {
  const [view, setView] = useState<View3D>(DEFAULT_VIEW);
  const drag = useRef<{ x: number; y: number; view: View3D } | null>(null);
  const scale = lossScale(land.grid.flat());
  const heights = land.grid.map((row) => row.map((v) => scale.t(v)));
  const ref = useCanvas(
    (ctx, w, h) => {
      const extent = boxExtent(view);
      const map = fitToCanvas(extent, w, h, 12);
      const edge = cssVar('--border-strong', '#c3c9d2');
      // The floor of the box, behind everything.
      ctx.strokeStyle = edge;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (const [i, [x, y]] of ([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]] as const).entries()) {
        const p = project(x, y, 0, view);
        const [px, py] = map([p.sx, p.sy]);
        if (i) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
      }
      ctx.stroke();
      const dense = land.grid.length > 30;
      for (const q of surfaceQuads(heights, view)) {
        const [r, g, b] = lossColor(q.t).map((c) => Math.round(c * q.shade));
        ctx.beginPath();
        q.points.forEach((p, i) => {
          const [px, py] = map(p);
          if (i) ctx.lineTo(px, py);
          else ctx.moveTo(px, py);
        });
        ctx.closePath();
        ctx.fillStyle = `rgb(${r},${g},${b})`;
        ctx.fill();
        ctx.strokeStyle = dense ? `rgb(${r},${g},${b})` : 'rgba(20,30,50,0.22)';
        ctx.lineWidth = dense ? 0.6 : 0.7;
        ctx.stroke();
      }
      // The trained weights, on the surface.
      const rows = land.grid.length;
      const cols = land.grid[0].length;
      const u = ((0 - land.xs[0]) / (land.xs[cols - 1] - land.xs[0] || 1)) * (cols - 1);
      const v = ((0 - land.ys[0]) / (land.ys[rows - 1] - land.ys[0] || 1)) * (rows - 1);
      const c = project(-1 + (2 * u) / (cols - 1), -1 + (2 * v) / (rows - 1), scale.t(bilinear(land.grid, u, v)) * 0.9, view);
      const [cx, cy] = map([c.sx, c.sy]);
      ctx.beginPath();
      ctx.arc(cx, cy, 5, 0, Math.PI * 2);
      ctx.fillStyle = '#d0543a';
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
    },
    [land, view],
    0.88,
  );
  return (
    <figure className="landscape-figure">
      <canvas
        ref={ref}
        className="landscape-canvas landscape-canvas--3d"
        data-testid="landscape-surface"
        data-yaw={view.yaw.toFixed(3)}
        data-pitch={view.pitch.toFixed(3)}
        aria-label="loss landscape, 3-D surface: drag to turn"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, y: e.clientY, view };
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (d) setView(dragView(d.view, e.clientX - d.x, e.clientY - d.y));
        }}
        onPointerUp={() => (drag.current = null)}
        onDoubleClick={() => setView(DEFAULT_VIEW)}
      />
      <figcaption className="muted">Drag to turn · double-click to reset · red: the trained weights</figcaption>
    </figure>
  );
}

function ScaleLegend({ scale }: { scale: LossScale }) {
  const stops = Array.from({ length: 11 }, (_, i) => {
    const [r, g, b] = lossColor(i / 10);
    return `rgb(${r},${g},${b}) ${i * 10}%`;
  });
  return (
    <figcaption className="scale-legend">
      <span>{formatLoss(scale.lo)}</span>
      <span className="scale-legend__bar" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
      <span>{formatLoss(scale.hi)}</span>
      <span className="muted">train loss{scale.log ? ' (log scale)' : ''} · ring: trained weights · dot: lowest point</span>
    </figcaption>
  );
}

export interface SliceSeries {
  label: string;
  losses: number[];
  color: string;
}

/**
 * Loss along 1-D slices (one run, or several to compare, e.g. SGD against SAM), on a log
 * axis when the loss spans more than a factor of 10.
 */
export function SliceChart({ alphas, series, xLabel, testId }: { alphas: number[]; series: SliceSeries[]; xLabel: string; testId: string }) {
  const box = useRef<HTMLDivElement>(null);
  const theme = useThemeKey();
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const all = series.flatMap((s) => s.losses).filter((v) => Number.isFinite(v) && v > 0);
    const log = all.length > 0 && Math.max(...all) / Math.min(...all) > 10;
    const text = cssVar('--text-dim', '#666');
    const grid = cssVar('--border', '#ddd');
    const axis: uPlot.Axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: AXIS_FONT };
    const plot = new uPlot(
      {
        width: Math.max(220, el.clientWidth),
        height: 230,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        scales: { x: { time: false }, y: log ? { distr: 3 } : { auto: true } },
        axes: [
          { ...axis, label: xLabel, labelFont: AXIS_FONT, labelSize: 18 },
          { ...axis, size: 54, label: 'train loss', labelFont: AXIS_FONT, labelSize: 18, values: (_u, vals) => vals.map((v) => (v == null ? '' : formatLoss(v))) },
        ],
        series: [{ label: 'α' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2.5, value: (_u: uPlot, v: number | null) => (v == null ? '–' : formatLoss(v)), points: { show: false } }))],
      },
      [alphas, ...series.map((s) => s.losses)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(220, el.clientWidth), height: 230 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [alphas, series, xLabel, theme]);
  return <div className="slice-chart" ref={box} data-testid={testId} data-series={series.length} />;
}

function dot(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, fill: string, stroke: string) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = 1.2;
  ctx.strokeStyle = stroke;
  ctx.stroke();
}

/** Up to 5 round values within the axis. */
function ticks(values: number[]): number[] {
  const lo = values[0];
  const hi = values[values.length - 1];
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function fmtTick(v: number): string {
  return String(Number(v.toPrecision(3)));
}

function pctOf(v: number | undefined): string {
  return v === undefined ? '' : `${(v * 100).toFixed(0)} % of the path`;
}
