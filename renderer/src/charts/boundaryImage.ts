import type { BoundaryGrid } from '../../../engine/protocol/messages.js';
import { classColor, hexToRgb } from './colors.js';

/**
 * The boundary grid as an n×n canvas to draw scaled: each cell in its predicted class's
 * colour, more opaque where the model is more confident (alpha from `alphaMin` at 50 %
 * confidence to `alphaMin + alphaSpan` at 100 %).
 */
export function boundaryImage(grid: BoundaryGrid, alphaMin: number, alphaSpan: number): HTMLCanvasElement {
  const n = grid.resolution;
  const img = new ImageData(n, n);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const i = row * n + col;
      const [r, g, b] = hexToRgb(classColor(grid.classes[i]));
      const conf = grid.confidence[i] ?? 1;
      // Rows start at yMin: flip so y grows upwards.
      img.data.set([r, g, b, Math.round(alphaMin + alphaSpan * Math.max(0, Math.min(1, (conf - 0.5) * 2)))], ((n - 1 - row) * n + col) * 4);
    }
  }
  const canvas = document.createElement('canvas');
  canvas.width = n;
  canvas.height = n;
  canvas.getContext('2d')!.putImageData(img, 0, 0);
  return canvas;
}
