import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../engine/checkpoint/safetensors.js';
import { CompiledModel } from '../../engine/compile/compile.js';
import { describeDataset } from '../../engine/data/registry.js';
import { exportForProtocol } from '../../engine/export/exportGraph.js';
import { ExportError } from '../../engine/export/plan.js';
import { validateGraph } from '../../engine/graph/validate.js';
import { spiralsGraph } from '../helpers/graphs.js';

// What the engine service hands the app for the code view and Save As.
describe('export for the app', () => {
  const graph = spiralsGraph();

  it('gives the code to show and the files to save as plain JSON, weights in base64', () => {
    const model = new CompiledModel(graph, validateGraph(graph, { describeDataset }), 1);
    const weights = model.weights();
    model.dispose();
    const wire = exportForProtocol(graph, 'pytorch', { weights });
    expect(JSON.parse(JSON.stringify(wire))).toEqual(wire);
    expect(wire).toMatchObject({ target: 'pytorch', language: 'python', mainFile: 'model.py' });
    expect(wire.files.map((f) => f.name)).toEqual(['model.py', 'weights.safetensors']);
    expect(wire.files[0].text).toBe(wire.code);
    expect(wire.code).toContain('class SpiralClassifier(nn.Module):');
    const saved = decodeSafetensors(Buffer.from(wire.files[1].base64!, 'base64'));
    expect(Array.from(saved.tensors['out.bias'].data)).toEqual(Array.from(weights['out/bias'].data));
    expect(JSON.parse(saved.metadata['tensorloom.names'])['h1.weight']).toBe('h1/weight');
  });

  it('uses the initial weights before anything is trained, and exports to TensorFlow.js too', () => {
    const wire = exportForProtocol(graph, 'tfjs');
    expect(wire.files.map((f) => f.name)).toEqual(['model.mjs', 'weights.bin', 'package.json']);
    const parameters = (2 * 32 + 32) + (32 * 32 + 32) + (32 * 2 + 2);
    expect(Buffer.from(wire.files[1].base64!, 'base64').length).toBe(parameters * 4);
    expect(wire.code).toContain('const h1 = linear(x, weights["h1/weight"], weights["h1/bias"]);');
  });

  it("names the graph's problems and weights that do not belong to it", () => {
    const broken = structuredClone(graph);
    broken.nodes.find((n) => n.id === 'h2')!.type = 'Linaer';
    expect(() => exportForProtocol(broken, 'pytorch')).toThrow(ExportError);
    expect(() => exportForProtocol(broken, 'pytorch')).toThrow(/node "h2".*unknown node type "Linaer"/);
    expect(() => exportForProtocol(graph, 'pytorch', { weights: {} })).toThrow('the run has no weights for "h1/weight"');
  });
});
