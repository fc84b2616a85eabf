import { describe, expect, it } from 'vitest';
import type { ParamSpec } from '../../../engine/nodes/params.js';
import { describeBounds, parseParamInput } from './paramValue.js';

const units: ParamSpec = { kind: 'int', default: 32, min: 1, max: 1 << 20, doc: 'Output features' };
const rate: ParamSpec = { kind: 'number', default: 0.1, min: 0, max: 1, doc: 'Drop probability', exclusiveMin: true };

describe('param fields', () => {
  it('accepts in-bounds numbers and explains the rest', () => {
    expect(parseParamInput(units, ' 64 ')).toEqual({ value: 64 });
    expect(parseParamInput(units, '0')).toEqual({ error: 'must be at least 1' });
    expect(parseParamInput(units, '2.5')).toEqual({ error: 'must be a whole number' });
    expect(parseParamInput(units, 'abc')).toEqual({ error: '"abc" is not a number' });
    expect(parseParamInput(rate, '0')).toEqual({ error: 'must be above 0' });
    expect(parseParamInput(rate, '1.5')).toEqual({ error: 'must be at most 1' });
  });

  it('checks enum options and booleans', () => {
    const act: ParamSpec = { kind: 'enum', default: 'relu', options: ['relu', 'gelu'], doc: '' };
    expect(parseParamInput(act, 'gelu')).toEqual({ value: 'gelu' });
    expect(parseParamInput(act, 'tanh')).toEqual({ error: 'must be one of relu, gelu' });
    expect(parseParamInput({ kind: 'boolean', default: true, doc: '' }, 'false')).toEqual({ value: false });
  });

  it('describes bounds compactly', () => {
    expect(describeBounds(units)).toBe('1 … 2^20');
    expect(describeBounds(rate)).toBe('> 0 … 1');
  });
});
