import { useEffect, useRef } from 'react';
import { diverging } from './colors.js';

/** Rows × columns of values from a flat array: the last axis across, the rest down. */
export function matrixShape(shape: number[]): { rows: number; cols: number } {
  if (shape.length === 0) return { rows: 1, cols: 1 };
  const cols = shape[shape.length - 1];
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return { rows: Math.max(rows, 1), cols: Math.max(cols, 1) };
}

/**
 * A matrix as pixels on a diverging scale around zero (one pixel per value, scaled up
 * without smoothing), with the largest magnitude written beside it.
 */
export function Heatmap({ values, shape, label, maxHeight = 220 }: { values: number[]; shape: number[]; label?: string; maxHeight?: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { rows, cols } = matrixShape(shape);
  let maxAbs = 0;
  for (const v of values) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    canvas.width = cols;
    canvas.height = rows;
    const dark = document.documentElement.dataset.theme === 'dark';
    const img = ctx.createImageData(cols, rows);
    for (let i = 0; i < rows * cols; i++) {
      const [r, g, b] = diverging(maxAbs ? (values[i] ?? 0) / maxAbs : 0, dark);
      img.data.set([r, g, b, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
  }, [values, rows, cols, maxAbs]);

  // Cells at most 28 px, the panel about 340 px wide; tall matrices are capped, vectors stay a strip.
  const width = Math.min(340, cols * 28);
  const height = Math.round(Math.min(maxHeight, rows * 28, Math.max(14, (rows / cols) * width)));
  return (
    <figure className="heatmap">
      <canvas ref={ref} style={{ width: width >= 340 ? '100%' : `${width}px`, maxWidth: '100%', height: `${height}px` }} />
      <figcaption>
        {label ? <span>{label} </span> : null}
        <code>[{shape.join('×')}]</code> · |max| {maxAbs.toPrecision(3)}
      </figcaption>
    </figure>
  );
}
