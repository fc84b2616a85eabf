import { useEffect, useRef } from 'react';
import type { BoundaryGrid, DatasetPreview } from '../../../engine/protocol/messages.js';
import { boundaryImage } from '../charts/boundaryImage.js';
import { classColor } from '../charts/colors.js';
import { pointBounds, previewKind } from './previewKind.js';

type Bounds = { xMin: number; xMax: number; yMin: number; yMax: number };

function drawPoints(ctx: CanvasRenderingContext2D, size: number, x: number[][], y: number[], b: Bounds, radius: number) {
  for (let i = 0; i < x.length; i++) {
    const px = ((x[i][0] - b.xMin) / (b.xMax - b.xMin)) * size;
    const py = size - ((x[i][1] - b.yMin) / (b.yMax - b.yMin)) * size;
    ctx.beginPath();
    ctx.arc(px, py, radius, 0, Math.PI * 2);
    ctx.fillStyle = classColor(y[i]);
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(255,255,255,0.85)';
    ctx.stroke();
  }
}

function useSquareCanvas(draw: (ctx: CanvasRenderingContext2D, size: number) => void, deps: unknown[]) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const size = 320;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = size * dpr;
    canvas.height = size * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size, size);
    draw(ctx, size);
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  return ref;
}

/** The dataset sample: a scatter for 2-D data, a grid of pictures for images, else a table. */
export function DatasetPreviewView({ preview }: { preview: DatasetPreview }) {
  const kind = previewKind(preview);
  if (kind.kind === 'scatter') return <Scatter preview={preview} />;
  if (kind.kind === 'images') return <ImageGrid preview={preview} height={kind.height} width={kind.width} channels={kind.channels} />;
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th>x</th>
          <th>y</th>
        </tr>
      </thead>
      <tbody>
        {preview.x.slice(0, 8).map((row, i) => (
          <tr key={i}>
            <td>
              <code>
                [{row.slice(0, 8).map((v) => +v.toPrecision(3)).join(', ')}
                {row.length > 8 ? ', …' : ''}]
              </code>
            </td>
            <td>
              <code>{preview.spec.classNames?.[preview.y[i]] ?? preview.y[i]}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Scatter({ preview }: { preview: DatasetPreview }) {
  const ref = useSquareCanvas((ctx, size) => drawPoints(ctx, size, preview.x, preview.y, pointBounds(preview.x), 2.6), [preview]);
  return <canvas className="square-plot" ref={ref} data-testid="dataset-scatter" aria-label={`${preview.x.length} points of ${preview.spec.name}`} />;
}

function ImageGrid({ preview, height, width, channels }: { preview: DatasetPreview; height: number; width: number; channels: number }) {
  const count = Math.min(preview.x.length, 32);
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const cols = 8;
    const rows = Math.ceil(count / cols);
    canvas.width = cols * (width + 2);
    canvas.height = rows * (height + 2);
    let lo = Infinity,
      hi = -Infinity;
    for (let i = 0; i < count; i++) for (const v of preview.x[i]) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    const span = hi - lo || 1;
    for (let i = 0; i < count; i++) {
      const img = ctx.createImageData(width, height);
      for (let p = 0; p < width * height; p++) {
        const px = preview.x[i];
        const [r, g, b] = channels === 3 ? [px[p * 3], px[p * 3 + 1], px[p * 3 + 2]] : [px[p], px[p], px[p]];
        const s = (v: number) => Math.round(((v - lo) / span) * 255);
        img.data.set([s(r), s(g), s(b), 255], p * 4);
      }
      ctx.putImageData(img, (i % cols) * (width + 2) + 1, Math.floor(i / cols) * (height + 2) + 1);
    }
  }, [preview, count, height, width, channels]);
  return (
    <div className="image-grid">
      <canvas ref={ref} data-testid="dataset-images" />
      <p className="muted">
        Labels: {preview.y.slice(0, count).map((c) => preview.spec.classNames?.[c] ?? c).join(' ')}
      </p>
    </div>
  );
}

/** The model's predicted class over the plane, with the sample points on top. */
export function BoundaryView({ grid, preview }: { grid: BoundaryGrid; preview: DatasetPreview | null }) {
  const ref = useSquareCanvas(
    (ctx, size) => {
      const tmp = boundaryImage(grid, 60, 140);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(tmp, 0, 0, size, size);
      if (preview) drawPoints(ctx, size, preview.x, preview.y, grid, 2.2);
    },
    [grid, preview],
  );
  return <canvas className="square-plot" ref={ref} data-testid="boundary" aria-label="decision boundary" />;
}

/** Rows: true class; columns: predicted. The diagonal is what the model gets right. */
export function ConfusionView({ classes, matrix }: { classes: string[]; matrix: number[][] }) {
  const max = Math.max(1, ...matrix.flat());
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((a, row, i) => a + (row[i] ?? 0), 0);
  const big = classes.length > 12;
  return (
    <div className="confusion" data-testid="confusion">
      <table className={big ? 'is-compact' : undefined}>
        <thead>
          <tr>
            <th className="confusion__corner">true ↓ / predicted →</th>
            {classes.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => (
            <tr key={i}>
              <th>{classes[i]}</th>
              {row.map((v, j) => (
                <td key={j} className={i === j ? 'is-diagonal' : undefined} style={{ ['--w' as string]: String(v / max) }} title={`true ${classes[i]}, predicted ${classes[j]}: ${v}`}>
                  {v}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        {correct} of {total} test samples right ({total ? ((correct / total) * 100).toFixed(1) : '0'} %).
      </p>
    </div>
  );
}
