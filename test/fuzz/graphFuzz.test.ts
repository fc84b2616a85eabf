import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../engine/tf.js';
import { initBackend } from '../../engine/backend/select.js';
import { describeDataset } from '../../engine/data/registry.js';
import { validateGraphText } from '../../engine/graph/validate.js';
import { hasErrors } from '../../engine/graph/problems.js';
import { CompiledModel } from '../../engine/compile/compile.js';
import { createRng } from '../../engine/util/hash.js';
import type { DatasetSpec } from '../../engine/data/spec.js';
import { spiralsGraph } from '../helpers/graphs.js';
import { mutate } from './mutations.js';

const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const TEMPLATES = join(import.meta.dirname, '../../templates');

/** Base graphs: the templates' graph files plus a few covering every family of kinds. */
function baseGraphs(): unknown[] {
  const bases: unknown[] = [spiralsGraph()];
  if (existsSync(TEMPLATES)) {
    for (const name of readdirSync(TEMPLATES)) {
      const file = join(TEMPLATES, name, 'graph.loom.json');
      if (existsSync(file)) bases.push(JSON.parse(readFileSync(file, 'utf8')));
    }
  }
  const chain = (dataset: object, nodes: { id: string; type: string; params?: object }[], extraEdges: object[] = []) => ({
    format: 'tensorloom.graph', version: 1, dataset, nodes: [{ id: 'in', type: 'Input' }, ...nodes],
    edges: [{ source: 'in', sourcePort: 'x', target: nodes[0].id }, ...nodes.slice(1, -1).map((n, i) => ({ source: nodes[i].id, target: n.id })), { source: nodes[nodes.length - 2].id, target: nodes[nodes.length - 1].id, targetPort: 'logits' }, { source: 'in', sourcePort: 'y', target: nodes[nodes.length - 1].id, targetPort: 'labels' }, ...extraEdges],
    training: { optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 }, batchSize: 16, epochs: 1 },
  });
  bases.push(
    chain({ name: 'gaussians', params: { classes: 4 } }, [{ id: 'moe', type: 'MoE', params: { experts: 4, topK: 2, hidden: 8, units: 4 } }, { id: 'loss', type: 'CrossEntropy' }]),
    chain({ name: 'mnist', params: { trainSamples: 100, testSamples: 100 } }, [{ id: 'p', type: 'Patchify', params: { patch: 7 } }, { id: 'e', type: 'Linear', params: { units: 16 } }, { id: 'c', type: 'ClsToken' }, { id: 's', type: 'Script', params: { functions: 2, heads: 2, keyDim: 4, hidden: 8, typeDim: 4, codeDim: 4, loc: 1, iterations: 1 } }, { id: 'm', type: 'ModAttn', params: { heads: 2, keyDim: 4, codeDim: 4 } }, { id: 't', type: 'SelectToken' }, { id: 'n', type: 'LayerNorm' }, { id: 'd', type: 'Dropout', params: { rate: 0.2 } }, { id: 'o', type: 'Linear', params: { units: 10 } }, { id: 'loss', type: 'CrossEntropy' }]),
    chain({ name: 'modular-addition', params: { p: 11 } }, [{ id: 'emb', type: 'Embedding', params: { vocab: 11, dim: 8 } }, { id: 'f', type: 'Flatten' }, { id: 'g', type: 'GELU' }, { id: 'o', type: 'Linear', params: { units: 11 } }, { id: 'loss', type: 'CrossEntropy' }]),
  );
  return bases;
}

/** A random batch of two samples matching the dataset's types. */
function feedFor(spec: DatasetSpec): Record<string, tf.Tensor> {
  const batch = 2;
  const make = (type: DatasetSpec['x'], classes?: number) => {
    const shape = type.shape.map((d) => (d === 'B' ? batch : d));
    if (type.dtype === 'int32') return tf.randomUniform(shape, 0, Math.max(1, classes ?? spec.vocab ?? 2), 'int32');
    return tf.randomUniform(shape);
  };
  return { x: make(spec.x, spec.vocab), y: make(spec.y, spec.numClasses) };
}

describe('graph fuzzing', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it(`survives ${CASES} mutated graph files: no crash, no hang, a clear message for every problem`, () => {
    const bases = baseGraphs();
    const rng = createRng(20261125);
    let invalid = 0;
    let ranForward = 0;
    let skippedLarge = 0;
    let slowest = 0;
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const { text, applied } = mutate(bases[i % bases.length], rng);
      const started = performance.now();
      let result;
      try {
        result = validateGraphText(text, { describeDataset });
      } catch (err) {
        failures.push(`case ${i} (${applied.join('+')}): validator threw ${(err as Error).message}`);
        continue;
      }
      slowest = Math.max(slowest, performance.now() - started);
      for (const p of result.problems) {
        if (p.code === 'internal') failures.push(`case ${i} (${applied.join('+')}): ${p.message}`);
        if (!p.message || p.message.length < 8) failures.push(`case ${i}: unclear message ${JSON.stringify(p)}`);
      }
      if (hasErrors(result.problems) || !result.graph) {
        invalid++;
        continue;
      }
      // A graph the validator accepts must also compile and run: the shape rules promised it.
      const params = [...result.nodes.values()].length;
      if (!result.datasetSpec || params === 0 || (result.memory?.bytes ?? 0) > 64 * 1024 ** 2) {
        skippedLarge++;
        continue;
      }
      try {
        const model = new CompiledModel(result.graph, result, 1);
        tf.tidy(() => {
          model.forward(feedFor(result.datasetSpec!), { training: true, step: 0 });
        });
        model.dispose();
        ranForward++;
      } catch (err) {
        failures.push(`case ${i} (${applied.join('+')}): validated but failed to run: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    console.log(`graph fuzzing: ${CASES} cases from ${bases.length} base graphs — ${invalid} refused with messages, ${ranForward} accepted and run forward, ${skippedLarge} accepted but not run (large or no data), ${failures.length} failures; slowest validation ${slowest.toFixed(0)} ms`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(slowest).toBeLessThan(5000);
  });

  it('refuses a 50 MB file with a message, without hanging', () => {
    const node = JSON.stringify({ id: 'n', type: 'ReLU', label: 'x'.repeat(150) });
    const count = Math.ceil((50 * 1024 * 1024) / node.length);
    const text = `{"format":"tensorloom.graph","version":1,"dataset":{"name":"spirals"},"edges":[],"nodes":[${Array(count).fill(node).join(',')}]}`;
    expect(text.length).toBeGreaterThan(50 * 1024 * 1024);
    const result = validateGraphText(text, { describeDataset });
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems[0].message).toMatch(/nodes/);
  });
});
