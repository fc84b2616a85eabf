import { describe, expect, it } from 'vitest';
import type { NodeKindInfo } from '../../../engine/protocol/messages.js';
import { groupKinds, searchKinds } from './kindSearch.js';

const kind = (type: string, group: NodeKindInfo['group'], summary = ''): NodeKindInfo => ({ type, group, summary, doc: '', inputs: [], outputs: [], params: {} });
const kinds = [
  kind('Input', 'Data', 'Features x and labels y'),
  kind('Linear', 'Layers', 'Fully connected layer'),
  kind('LayerNorm', 'Layers', 'Normalises the last axis'),
  kind('ReLU', 'Activations', 'max(0, x)'),
  kind('CrossEntropy', 'Losses', 'Softmax cross-entropy on class ids'),
  kind('MSE', 'Losses', 'Mean squared error'),
  kind('MoE', 'Mixture', 'Mixture of experts'),
];

describe('palette search', () => {
  it('groups kinds in the palette order', () => {
    expect(groupKinds(kinds).map((g) => g.group)).toEqual(['Data', 'Layers', 'Activations', 'Mixture', 'Losses']);
  });

  it('puts exact and prefix matches of the type first', () => {
    expect(searchKinds(kinds, 'l').map((k) => k.type).slice(0, 2)).toEqual(['Linear', 'LayerNorm']);
    expect(searchKinds(kinds, 'relu')[0].type).toBe('ReLU');
  });

  it('finds kinds by their capitals and by words of the summary', () => {
    expect(searchKinds(kinds, 'ce')[0].type).toBe('CrossEntropy');
    expect(searchKinds(kinds, 'experts').map((k) => k.type)).toEqual(['MoE']);
    expect(searchKinds(kinds, 'zzz')).toEqual([]);
  });
});
