import type { DatasetPreview } from '../../../engine/protocol/messages.js';

export type PreviewKind = { kind: 'scatter' } | { kind: 'images'; height: number; width: number; channels: number } | { kind: 'table' };

/**
 * How to show a dataset sample: points for two features, a grid of pictures when the
 * features form an image (MNIST's 28×28), a table otherwise.
 */
export function previewKind(preview: Pick<DatasetPreview, 'spec' | 'x'>): PreviewKind {
  const dims = preview.spec.x.shape.slice(1).map((d) => (typeof d === 'number' ? d : NaN));
  const features = preview.x[0]?.length ?? dims.reduce((a, b) => a * b, 1);
  if (dims.length === 1 && dims[0] === 2 && preview.spec.x.dtype === 'float32') return { kind: 'scatter' };
  if (dims.length === 2 && dims.every((d) => d >= 8)) return { kind: 'images', height: dims[0], width: dims[1], channels: 1 };
  if (dims.length === 3 && dims[0] >= 8 && dims[1] >= 8 && [1, 3].includes(dims[2])) return { kind: 'images', height: dims[0], width: dims[1], channels: dims[2] };
  const side = Math.sqrt(features);
  if (dims.length === 1 && Number.isInteger(side) && side >= 8 && preview.spec.x.dtype === 'float32') return { kind: 'images', height: side, width: side, channels: 1 };
  return { kind: 'table' };
}

/** Bounds of 2-D points with a margin, so points do not sit on the frame. */
export function pointBounds(x: number[][]): { xMin: number; xMax: number; yMin: number; yMax: number } {
  let xMin = Infinity,
    xMax = -Infinity,
    yMin = Infinity,
    yMax = -Infinity;
  for (const [a, b] of x) {
    xMin = Math.min(xMin, a);
    xMax = Math.max(xMax, a);
    yMin = Math.min(yMin, b);
    yMax = Math.max(yMax, b);
  }
  if (!Number.isFinite(xMin)) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const mx = (xMax - xMin) * 0.06 || 1;
  const my = (yMax - yMin) * 0.06 || 1;
  return { xMin: xMin - mx, xMax: xMax + mx, yMin: yMin - my, yMax: yMax + my };
}
