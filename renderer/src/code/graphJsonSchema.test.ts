import { describe, expect, it } from 'vitest';
import type { NodeKindInfo } from '../../../engine/protocol/messages.js';
import { graphJsonSchema } from './graphJsonSchema.js';

const linear: NodeKindInfo = {
  type: 'Linear',
  group: 'Layers',
  summary: 'Fully connected',
  doc: '',
  inputs: [{ name: 'in', doc: '' }],
  outputs: [{ name: 'out', doc: '' }],
  params: { units: { kind: 'int', default: 32, min: 1, max: 1024, doc: 'Output features' }, bias: { kind: 'boolean', default: true, doc: 'Add a bias' } },
};

describe('graph JSON schema', () => {
  it('lists node types and gives each kind its params with bounds and docs', () => {
    const schema = graphJsonSchema([linear], [{ name: 'spirals', summary: 'Spirals', doc: '', ownSplit: false, twoD: true, params: { noise: { kind: 'number', default: 0.1, min: 0, max: 1, doc: 'Jitter' } } }]) as any;
    const node = schema.properties.nodes.items;
    expect(node.properties.type.enum).toEqual(['Linear']);
    expect(node.allOf[0].if.properties.type.const).toBe('Linear');
    expect(node.allOf[0].then.properties.params.properties.units).toEqual({ description: 'Output features', default: 32, type: 'integer', minimum: 1, maximum: 1024 });
    expect(node.allOf[0].then.properties.params.additionalProperties).toBe(false);
    expect(schema.properties.dataset.properties.name.enum).toEqual(['spirals']);
    expect(schema.properties.format.const).toBe('tensorloom.graph');
  });

  it('still describes the file format before the engine has answered', () => {
    const schema = graphJsonSchema([], []) as any;
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'version', 'dataset', 'nodes', 'edges']));
    expect(schema.properties.nodes.items.properties.type.enum).toBeUndefined();
  });
});
