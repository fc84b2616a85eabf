import { describe, expect, it } from 'vitest';
import type { ValidationInfo } from './messages.js';
import { applyValidationChanges, diffValidation, holdValidation } from './validationChanges.js';
import type { Dim, TensorType } from '../shapes/types.js';

const t = (...shape: Dim[]): TensorType => ({ shape, dtype: 'float32' });

const before: ValidationInfo = {
  problems: [],
  outputTypes: { in: { x: t('B', 2) }, h: { out: t('B', 16) }, gone: { out: t('B', 3) } },
  edgeTypes: [t('B', 2), t('B', 16), t('B', 16)],
  memory: { bytes: 100, limit: 1000 },
  parameters: 48,
};

describe('validation answers as changes', () => {
  it('carries only the nodes and edges whose types changed, and rebuilds the whole answer', () => {
    const after: ValidationInfo = {
      problems: [{ severity: 'warning', code: 'x', message: 'w', nodeId: 'h' }],
      outputTypes: { in: { x: t('B', 2) }, h: { out: t('B', 32) }, added: { out: t('B', 1) } },
      edgeTypes: [t('B', 2), t('B', 32), t('B', 32), null],
      memory: { bytes: 200, limit: 1000 },
      parameters: 96,
    };
    const changes = diffValidation('g.1', before, after);
    expect(changes.from).toBe('g.1');
    expect(Object.keys(changes.outputTypes).sort()).toEqual(['added', 'gone', 'h']);
    expect(changes.outputTypes.gone).toBeNull();
    expect(changes.edgeTypes).toEqual({ length: 4, changed: [[1, t('B', 32)], [2, t('B', 32)], [3, null]] });
    const rebuilt = applyValidationChanges(holdValidation(before), changes);
    expect(rebuilt).toEqual(holdValidation(after));
    // What did not change is the base's very object (the view reuses it by identity).
    expect(rebuilt.outputTypes.get('in')).toBe(before.outputTypes.in);
    expect(rebuilt.edgeTypes[0]).toBe(before.edgeTypes[0]);
  });

  it('shortens the edge list when edges were removed, and sends nothing for an unchanged answer', () => {
    const fewer: ValidationInfo = { ...before, edgeTypes: [t('B', 2)] };
    const held = holdValidation(before);
    expect(applyValidationChanges(held, diffValidation('g', before, fewer)).edgeTypes).toEqual([t('B', 2)]);
    const same = diffValidation('g', before, structuredClone(before));
    expect(same.outputTypes).toEqual({});
    expect(same.edgeTypes.changed).toEqual([]);
    // Rebuilt, an unchanged answer keeps the base's lists themselves, and does not alter the base.
    const rebuilt = applyValidationChanges(held, same);
    expect(rebuilt.outputTypes).toBe(held.outputTypes);
    expect(rebuilt.edgeTypes).toBe(held.edgeTypes);
    const grown = applyValidationChanges(held, diffValidation('g', before, { ...before, outputTypes: { ...before.outputTypes, more: { out: t('B', 1) } } }));
    expect(grown.outputTypes.has('more')).toBe(true);
    expect(held.outputTypes.has('more')).toBe(false);
  });
});
