import { describe, expect, it } from 'vitest';
import { pointBounds, previewKind } from './previewKind.js';

const spec = (shape: (number | 'B')[], dtype: 'float32' | 'int32' = 'float32') => ({ name: 'd', task: 'classification', x: { shape, dtype }, y: { shape: ['B' as const], dtype: 'int32' as const } });

describe('dataset preview kind', () => {
  it('draws points for two features, pictures for images, a table otherwise', () => {
    expect(previewKind({ spec: spec(['B', 2]), x: [[0, 1]] })).toEqual({ kind: 'scatter' });
    expect(previewKind({ spec: spec(['B', 28, 28]), x: [new Array(784).fill(0)] })).toEqual({ kind: 'images', height: 28, width: 28, channels: 1 });
    expect(previewKind({ spec: spec(['B', 784]), x: [new Array(784).fill(0)] })).toEqual({ kind: 'images', height: 28, width: 28, channels: 1 });
    expect(previewKind({ spec: spec(['B', 2], 'int32'), x: [[3, 4]] })).toEqual({ kind: 'table' });
    expect(previewKind({ spec: spec(['B', 5]), x: [[1, 2, 3, 4, 5]] })).toEqual({ kind: 'table' });
  });

  it('frames points with a margin', () => {
    const b = pointBounds([[0, 0], [1, 2]]);
    expect(b.xMin).toBeLessThan(0);
    expect(b.xMax).toBeGreaterThan(1);
    expect(b.yMax).toBeGreaterThan(2);
  });
});
