import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAfterPaint } from './afterPaint.js';

afterEach(() => vi.useRealTimers());

describe('edits after the paint', () => {
  it('applies only the latest of several quick edits, once', () => {
    vi.useFakeTimers();
    const applied: string[] = [];
    const later = createAfterPaint(100);
    later.schedule(() => applied.push('1'));
    later.schedule(() => applied.push('12'));
    later.schedule(() => applied.push('123'));
    expect(applied).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(applied).toEqual(['123']);
    vi.advanceTimersByTime(1000);
    expect(applied).toEqual(['123']);
  });

  it('applies the pending edit at once on flush, and nothing after', () => {
    vi.useFakeTimers();
    const applied: string[] = [];
    const later = createAfterPaint(100);
    later.schedule(() => applied.push('64'));
    later.flush();
    expect(applied).toEqual(['64']);
    vi.advanceTimersByTime(1000);
    later.flush();
    expect(applied).toEqual(['64']);
  });
});
