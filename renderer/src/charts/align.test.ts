import { describe, expect, it } from 'vitest';
import { alignSeries } from './align.js';

describe('alignSeries', () => {
  it('merges step and epoch curves on one x axis with gaps', () => {
    const data = alignSeries([
      { x: [1, 2, 4], ys: [[0.9, 0.8, 0.6]] },
      { x: [3, 4], ys: [[0.7, 0.5], [0.75, null]] },
    ]);
    expect(data).toEqual([
      [1, 2, 3, 4],
      [0.9, 0.8, null, 0.6],
      [null, null, 0.7, 0.5],
      [null, null, 0.75, null],
    ]);
  });

  it('turns non-finite values (a NaN loss) into gaps instead of breaking the chart', () => {
    expect(alignSeries([{ x: [1, 2], ys: [[Number.NaN, 1]] }])).toEqual([[1, 2], [null, 1]]);
  });
});
