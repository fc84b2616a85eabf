/**
 * `npm run bench`: training ms/step of Tensorloom and of PyTorch (Debian's python3-torch,
 * at its best thread count) on the same workloads, measured in the same run, and their
 * ratio pytorchMs / tensorloomMs (above 1: Tensorloom is faster). `--json` prints one
 * object per workload.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { trainGraph } from '../engine/run/trainGraph.js';
import type { Graph } from '../engine/graph/schema.js';
import { initBackend, type BackendName } from '../engine/backend/select.js';
import { validateGraph } from '../engine/graph/validate.js';
import { describeDataset } from '../engine/data/registry.js';
import { CompiledModel } from '../engine/compile/compile.js';
import { largeGraph } from './largeGraph.js';

const WARMUP = 3;
const STEPS = 20;

interface Workload {
  name: string;
  model: 'mlp' | 'moe';
  batch: number;
  graph: Graph;
}

const mnistChain = (middle: Graph['nodes'], batch: number): Graph => ({
  format: 'tensorloom.graph',
  version: 1,
  dataset: { name: 'mnist', params: { trainSamples: batch * (WARMUP + STEPS), testSamples: batch } },
  nodes: [{ id: 'in', type: 'Input' }, { id: 'flat', type: 'Flatten' }, ...middle, { id: 'loss', type: 'CrossEntropy' }],
  edges: [
    { source: 'in', sourcePort: 'x', target: 'flat' },
    ...middle.map((n, i) => ({ source: i === 0 ? 'flat' : middle[i - 1].id, target: n.id })),
    { source: middle[middle.length - 1].id, target: 'loss', targetPort: 'logits' },
    { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
  ],
  training: { optimizer: { type: 'adam', learningRate: 0.001 }, batchSize: batch, epochs: 1, seed: 1 },
});

const workloads: Workload[] = [
  {
    name: 'MLP 784-256-10, Adam, batch 128',
    model: 'mlp',
    batch: 128,
    graph: mnistChain([{ id: 'h', type: 'Linear', params: { units: 256 } }, { id: 'a', type: 'ReLU' }, { id: 'out', type: 'Linear', params: { units: 10 } }], 128),
  },
  {
    name: 'MoE 8 experts top-2, hidden 256, 784 inputs, batch 128',
    model: 'moe',
    batch: 128,
    graph: mnistChain([{ id: 'moe', type: 'MoE', params: { experts: 8, topK: 2, hidden: 256, units: 10, balanceWeight: 0 } }], 128),
  },
];

async function tensorloomMs(graph: Graph, backend?: BackendName): Promise<{ ms: number; backend: string }> {
  const stamps: number[] = [];
  let used = '';
  await trainGraph(graph, {
    backend,
    overrides: { stepsPerEpoch: WARMUP + STEPS },
    onEvent: (e) => {
      if (e.event === 'start') {
        used = e.backend;
        stamps.push(performance.now());
      }
      if (e.event === 'step') stamps.push(performance.now());
      if (e.event === 'error') throw new Error(e.message);
    },
  });
  const durations = stamps.slice(1).map((t, i) => t - stamps[i]).slice(WARMUP);
  return { ms: median(durations), backend: used };
}

function pytorchMs(list: Workload[]): Record<string, { ms: number; threads: number }> | null {
  const script = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script], {
    input: JSON.stringify(list.map((w) => ({ name: w.name, model: w.model, batch: w.batch, warmup: WARMUP, steps: STEPS }))),
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error(`PyTorch reference unavailable (apt-get install python3-torch): ${r.stderr.split('\n').slice(-2).join(' ')}`);
    return null;
  }
  return JSON.parse(r.stdout);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const json = process.argv.includes('--json');
const backendArg = process.argv.find((a) => a.startsWith('--backend='))?.split('=')[1] as BackendName | undefined;
const torch = pytorchMs(workloads);
const rows = [];
for (const w of workloads) {
  const ours = await tensorloomMs(w.graph, backendArg);
  const ref = torch?.[w.name];
  rows.push({ name: w.name, backend: ours.backend, tensorloomMs: round(ours.ms), pytorchMs: ref ? round(ref.ms) : null, pytorchThreads: ref?.threads ?? null, ratio: ref ? round(ref.ms / ours.ms, 3) : null });
}
const editor = await editorScale();
if (json) {
  for (const r of rows) console.log(JSON.stringify(r));
  for (const e of editor) console.log(JSON.stringify(e));
} else {
  const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  console.log(`Tensorloom ${version} bench: training ms/step, median of ${STEPS} steps after ${WARMUP} warm-ups (ratio = PyTorch ms / Tensorloom ms; above 1 means Tensorloom is faster)\n`);
  console.log(['workload'.padEnd(58), 'backend'.padEnd(10), 'tensorloom'.padStart(11), 'pytorch'.padStart(9), 'ratio'.padStart(7)].join(' '));
  for (const r of rows) {
    console.log([r.name.padEnd(58), r.backend.padEnd(10), `${r.tensorloomMs}`.padStart(11), `${r.pytorchMs ?? '—'}${r.pytorchThreads ? ` (${r.pytorchThreads}t)` : ''}`.padStart(9), `${r.ratio ?? '—'}`.padStart(7)].join(' '));
  }
  console.log(`\n${'editor at scale'.padEnd(58)} ${'ms'.padStart(8)} ${'target'.padStart(8)}`);
  for (const e of editor) console.log(`${e.name.padEnd(58)} ${String(e.ms).padStart(8)} ${`< ${e.targetMs}`.padStart(8)}`);
}

/** Shape inference and compile of a 1,000-node graph (targets: under 50 ms each). */
async function editorScale() {
  await initBackend(backendArg);
  const graph = largeGraph(1000);
  const infer: number[] = [];
  const compile: number[] = [];
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    const v = validateGraph(graph, { describeDataset });
    infer.push(performance.now() - t);
    if (v.problems.length) throw new Error(`bench graph invalid: ${v.problems[0].message}`);
    t = performance.now();
    const model = new CompiledModel(graph, v, 1);
    compile.push(performance.now() - t);
    model.dispose();
  }
  return [
    { name: `shape inference, ${graph.nodes.length} nodes`, ms: round(median(infer.slice(2))), targetMs: 50 },
    { name: `compile, ${graph.nodes.length} nodes`, ms: round(median(compile.slice(2))), targetMs: 50 },
  ];
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
