/**
 * `npm run bench`: training ms/step of Tensorloom and of PyTorch (Debian's python3-torch,
 * at its best thread count) on the same workloads, measured in the same run, and their
 * ratio pytorchMs / tensorloomMs (above 1: Tensorloom is faster). `--json` prints one
 * object per workload. The machine is shared, so each side is measured in several
 * interleaved rounds (`--rounds=N`, default 7) and the median round is reported; the
 * fastest single step of each side is reported too, as the least disturbed measurement.
 *
 *   --backend=<name>   run on this backend (default: the best available)
 *   --threads=<n>      native backend: BLAS threads (default: the faster of 1 and 2, as for PyTorch)
 *   --workload=<model> only mlp, moe or script
 *   --no-browser       skip the editor measurements in Chromium (bench/editor.ts)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf } from '../engine/tf.js';
import { trainGraph } from '../engine/run/trainGraph.js';
import type { Graph } from '../engine/graph/schema.js';
import { initBackend, parseBackendName, type BackendName, type BackendReport } from '../engine/backend/select.js';
import { nativeBlasInfo, registerNativeBackend, setNativeSparseProducts, setNativeThreads } from '../engine/backend/native/backend.js';
import { validateGraph } from '../engine/graph/validate.js';
import { describeDataset } from '../engine/data/registry.js';
import { loadMnistFrom, mnistDataDir } from '../engine/data/mnist.js';
import { CompiledModel } from '../engine/compile/compile.js';
import { largeGraph } from './largeGraph.js';
import { analysisBenchmarks } from './analysis.js';
import { browserEditorBenchmarks, formatRows, type EditorBenchRow } from './editor.js';
import { SCRIPT_STACK, trainingStepFlops, type WorkloadModel } from './flops.js';

/**
 * Steps run before timing and steps timed, per workload, the same on both sides. A step of
 * the small models makes a few dozen kernel calls (MLP 13, MoE 35), so V8 needs ~150 steps
 * on a process's first run before its JavaScript is optimised (measured: the MLP's steps
 * ran ~1.4 ms until step ~135, then ~0.85); a Script step makes ~1,760 calls and is warm
 * after a few. Training runs are thousands of steps: the bench reports the steady state.
 */
const SMALL_MODEL_STEPS = { warmup: 200, steps: 100 };
const SCRIPT_STEPS = { warmup: 5, steps: 20 };

interface Workload {
  name: string;
  model: WorkloadModel;
  batch: number;
  warmup: number;
  steps: number;
  graph: Graph;
  /**
   * Native backend: whether products skip the zeros of a mostly-zero left operand (MNIST's
   * pixels are 81% zero); off, every product runs on BLAS, as PyTorch's do. Default on.
   */
  sparseProducts?: boolean;
}

const mnistChain = (middle: Graph['nodes'], batch: number): Graph => ({
  format: 'tensorloom.graph',
  version: 1,
  dataset: { name: 'mnist', params: { trainSamples: batch * (SMALL_MODEL_STEPS.warmup + SMALL_MODEL_STEPS.steps), testSamples: batch } },
  nodes: [{ id: 'in', type: 'Input' }, { id: 'flat', type: 'Flatten' }, ...middle, { id: 'loss', type: 'CrossEntropy' }],
  edges: [
    { source: 'in', sourcePort: 'x', target: 'flat' },
    ...middle.map((n, i) => ({ source: i === 0 ? 'flat' : middle[i - 1].id, target: n.id })),
    { source: middle[middle.length - 1].id, target: 'loss', targetPort: 'logits' },
    { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
  ],
  training: { optimizer: { type: 'adam', learningRate: 0.001 }, batchSize: batch, epochs: 1, seed: 1 },
});

/**
 * The Neural-Interpreters stack: literal tokens embedded to width 64, a [CLS] token (17
 * tokens), two Scripts, the [CLS] read out to two classes.
 */
function scriptStack(batch: number): Graph {
  const s = SCRIPT_STACK;
  const script = { functions: s.functions, loc: s.loc, iterations: s.iterations, heads: s.heads, keyDim: s.keyDim, hidden: s.hidden, typeDim: s.typeDim, codeDim: s.codeDim, mlpLayers: s.mlpLayers };
  const chain: Graph['nodes'] = [
    { id: 'embed', type: 'Linear', params: { units: s.dim } },
    { id: 'cls', type: 'ClsToken' },
    { id: 'script1', type: 'Script', params: script },
    { id: 'script2', type: 'Script', params: script },
    { id: 'readCls', type: 'SelectToken', params: { index: 0 } },
    { id: 'head', type: 'Linear', params: { units: 2 } },
  ];
  return {
    format: 'tensorloom.graph',
    version: 1,
    dataset: { name: 'fuzzy-boolean', params: { literals: s.tokens, clauses: s.clauses, samples: batch * (SCRIPT_STEPS.warmup + SCRIPT_STEPS.steps) * 2 }, testFraction: 0.5 },
    nodes: [{ id: 'in', type: 'Input' }, ...chain, { id: 'loss', type: 'CrossEntropy' }],
    edges: [
      { source: 'in', sourcePort: 'x', target: 'embed' },
      ...chain.slice(1).map((n, i) => ({ source: chain[i].id, target: n.id })),
      { source: 'head', target: 'loss', targetPort: 'logits' },
      { source: 'in', sourcePort: 'y', target: 'loss', targetPort: 'labels' },
    ],
    training: { optimizer: { type: 'adam', learningRate: 0.001 }, batchSize: batch, epochs: 1, seed: 1 },
  };
}

const mlpGraph = mnistChain([{ id: 'h', type: 'Linear', params: { units: 256 } }, { id: 'a', type: 'ReLU' }, { id: 'out', type: 'Linear', params: { units: 10 } }], 128);

const allWorkloads: Workload[] = [
  {
    name: 'MLP 784-256-10, Adam, batch 128',
    model: 'mlp',
    batch: 128,
    ...SMALL_MODEL_STEPS,
    graph: mlpGraph,
  },
  {
    name: 'MLP, the same, every product dense (sparse path off)',
    model: 'mlp',
    batch: 128,
    ...SMALL_MODEL_STEPS,
    sparseProducts: false,
    graph: mlpGraph,
  },
  {
    name: 'MoE 8 experts top-2, hidden 256, 784 inputs, batch 128',
    model: 'moe',
    batch: 128,
    ...SMALL_MODEL_STEPS,
    graph: mnistChain([{ id: 'moe', type: 'MoE', params: { experts: 8, topK: 2, hidden: 256, units: 10, balanceWeight: 0 } }], 128),
  },
  {
    name: 'Script stack 2×(4 functions, 2 LOCs), 16+1 tokens × 64, batch 32',
    model: 'script',
    batch: 32,
    ...SCRIPT_STEPS,
    graph: scriptStack(32),
  },
];

// `--workload=script` (or mlp, moe) runs only the workloads of that model.
const only = process.argv.find((a) => a.startsWith('--workload='))?.split('=')[1];
const workloads = allWorkloads.filter((w) => !only || w.model === only);
if (workloads.length === 0) throw new Error(`no workload "${only}" (use mlp, moe or script)`);

interface Timing {
  /** Median ms/step. */
  ms: number;
  /** Fastest step, ms. */
  fastestMs: number;
  /** Trainable parameters: both sides must train the same model. */
  parameters?: number;
}

/** Median and fastest ms/step of one training run (after the warm-up steps). */
async function tensorloomMs(w: Workload, backend: BackendName): Promise<Timing> {
  const stamps: number[] = [];
  let parameters = 0;
  const sparseBefore = backend === 'native' ? setNativeSparseProducts(w.sparseProducts ?? true) : null;
  await trainGraph(w.graph, {
    backend,
    overrides: { stepsPerEpoch: w.warmup + w.steps },
    onEvent: (e) => {
      if (e.event === 'start') parameters = e.parameters;
      if (e.event === 'start' || e.event === 'step') stamps.push(performance.now());
      if (e.event === 'error') throw new Error(e.message);
    },
  }).finally(() => {
    if (sparseBefore !== null) setNativeSparseProducts(sparseBefore);
  });
  const steps = stamps.slice(1).map((t, i) => t - stamps[i]).slice(w.warmup);
  return { ms: median(steps), fastestMs: Math.min(...steps), parameters };
}

/** On the native backend, the faster of 1 and 2 BLAS threads (or the count asked for); elsewhere one run. */
async function bestTensorloomMs(w: Workload, backend: BackendName): Promise<Timing & { threads: number | null }> {
  if (backend !== 'native') return { ...(await tensorloomMs(w, backend)), threads: null };
  let best = { ms: Infinity, fastestMs: Infinity, threads: 1 };
  for (const threads of threadArg ? [threadArg] : [1, 2]) {
    setNativeThreads(threads);
    const t = await tensorloomMs(w, backend);
    if (t.ms < best.ms) best = { ...t, threads, fastestMs: Math.min(t.fastestMs, best.fastestMs) };
    else best.fastestMs = Math.min(best.fastestMs, t.fastestMs);
  }
  return best;
}

/**
 * The first `batch` MNIST training images and labels, for PyTorch's batch: both sides train
 * on the same pixels (PyTorch's dense products take the same time on any values; ours skip
 * zeros). The pixels go through a file of float32, the labels inline.
 */
async function mnistBatch(batch: number): Promise<{ pixels: string; labels: number[] } | null> {
  const loaded = await loadMnistFrom(mnistDataDir(), batch, 1);
  if (!loaded.ok) return null;
  const file = join(tmpdir(), `tensorloom-bench-mnist-${process.pid}-${batch}.f32`);
  const { x, y } = loaded.dataset.train;
  writeFileSync(file, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  return { pixels: file, labels: Array.from(y) };
}

function pytorchMs(list: Workload[], mnist: Map<number, { pixels: string; labels: number[] } | null>): Record<string, Timing & { threads: number }> | null {
  const script = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script], {
    // glibc hands PyTorch's large temporaries back to the OS after each step (mmap, munmap),
    // so every step faults fresh pages in: on this VM that made its median MLP step 5.5 ms
    // instead of 1.4. Keeping freed memory is PyTorch's best setting here, as our array pool is ours.
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: String(1 << 30), MALLOC_TRIM_THRESHOLD_: String(1 << 30), MALLOC_TOP_PAD_: String(1 << 28) },
    input: JSON.stringify(list.map((w) => ({
      name: w.name, model: w.model, batch: w.batch, warmup: w.warmup, steps: w.steps, script: SCRIPT_STACK,
      mnist: w.model === 'script' ? null : mnist.get(w.batch) ?? null,
    }))),
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error(`PyTorch reference unavailable (apt-get install python3-torch): ${r.stderr.split('\n').slice(-2).join(' ')}`);
    return null;
  }
  return JSON.parse(r.stdout);
}

/**
 * The machine's float32 peak as a large sgemm (1024³) reaches it: on the native backend's
 * BLAS when it loads here (1 thread and every core), else on the backend in use.
 */
async function machinePeak(used: BackendName): Promise<{ label: string; gflops: number }[]> {
  const previous = tf.getBackend();
  const time = (n: number) =>
    tf.tidy(() => {
      const a = tf.randomUniform([n, n]);
      const b = tf.randomUniform([n, n]);
      tf.matMul(a, b).dataSync();
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        tf.matMul(a, b).dataSync();
        best = Math.min(best, performance.now() - t);
      }
      return (2 * n ** 3) / (best * 1e6);
    });
  try {
    let native = true;
    try {
      registerNativeBackend();
    } catch {
      native = false;
    }
    if (native) {
      await tf.setBackend('native');
      const cores = (await import('node:os')).availableParallelism();
      const out = [1, cores].filter((t, i, all) => all.indexOf(t) === i).map((threads) => {
        setNativeThreads(threads);
        return { label: `sgemm 1024³, ${threads} thread${threads > 1 ? 's' : ''} (${nativeBlasInfo()?.split(' ').slice(0, 2).join(' ')})`, gflops: round(time(1024), 1) };
      });
      setNativeThreads(threadArg ?? 1);
      return out;
    }
    await tf.setBackend(used === 'tensorflow-gpu' ? 'tensorflow' : used);
    const n = used === 'cpu' ? 256 : 1024;
    return [{ label: `matMul ${n}³ on ${used} (no native BLAS here)`, gflops: round(time(n), 1) }];
  } finally {
    await tf.setBackend(previous);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function argValue(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
}

const json = process.argv.includes('--json');
const backendValue = argValue('backend');
const backendArg = backendValue ? parseBackendName(backendValue) ?? undefined : undefined;
if (backendValue && !backendArg) throw new Error(`unknown backend "${backendValue}" (use tensorflow-gpu, tensorflow, native, wasm or cpu)`);
const rounds = Math.max(1, Number(argValue('rounds') ?? 7));
const threadArg = argValue('threads') ? Number(argValue('threads')) : undefined;

const report: BackendReport = await initBackend(backendArg);
const used = report.name;
const ours: Record<string, (Timing & { threads: number | null })[]> = {};
const theirs: Record<string, (Timing & { threads: number })[]> = {};
const mnistBatches = new Map<number, { pixels: string; labels: number[] } | null>();
for (const w of workloads) if (w.model !== 'script' && !mnistBatches.has(w.batch)) mnistBatches.set(w.batch, await mnistBatch(w.batch));
// Interleaved rounds, each workload's two sides back to back: a burst of load from elsewhere
// (the machine is shared) then hits both sides of one workload alike, not one side's whole round.
let torchAvailable = true;
for (let r = 0; r < rounds; r++) {
  for (const w of workloads) {
    const torch = torchAvailable ? pytorchMs([w], mnistBatches) : null;
    if (!torch) torchAvailable = false;
    if (torch?.[w.name]) (theirs[w.name] ??= []).push(torch[w.name]);
    (ours[w.name] ??= []).push(await bestTensorloomMs(w, used));
  }
}
for (const b of mnistBatches.values()) if (b) rmSync(b.pixels, { force: true });
const peak = await machinePeak(used);

const rows = workloads.map((w) => {
  const mine = medianRound(ours[w.name]);
  const ref = theirs[w.name]?.length ? medianRound(theirs[w.name]) : null;
  const flops = trainingStepFlops(w.model, w.batch);
  const fastest = Math.min(...ours[w.name].map((t) => t.fastestMs));
  const fastestRef = theirs[w.name]?.length ? Math.min(...theirs[w.name].map((t) => t.fastestMs)) : null;
  if (ref?.parameters !== undefined && ref.parameters !== mine.parameters) {
    console.error(`warning: "${w.name}" trains ${mine.parameters} parameters here and ${ref.parameters} in PyTorch: the two models differ`);
  }
  return {
    name: w.name,
    backend: used,
    tensorloomMs: round(mine.ms),
    pytorchMs: ref ? round(ref.ms) : null,
    ratio: ref ? round(ref.ms / mine.ms, 3) : null,
    tensorloomThreads: mine.threads,
    pytorchThreads: ref?.threads ?? null,
    gflopPerStep: round(flops / 1e9, 4),
    tensorloomGflops: round(flops / (mine.ms * 1e6), 1),
    pytorchGflops: ref ? round(flops / (ref.ms * 1e6), 1) : null,
    machinePeakGflops: Math.max(...peak.map((p) => p.gflops)),
    tensorloomFastestMs: round(fastest),
    pytorchFastestMs: fastestRef === null ? null : round(fastestRef),
    fastestRatio: fastestRef === null ? null : round(fastestRef / fastest, 3),
  };
});

/** The round whose time is the median (so its thread count goes with it). */
function medianRound<T extends { ms: number }>(list: T[]): T {
  const sorted = [...list].sort((a, b) => a.ms - b.ms);
  return sorted[(sorted.length - 1) >> 1];
}

const editor = await editorScale();
const analysis = await analysisBenchmarks(used);
// The editor in Chromium (`--no-browser` skips it; a machine without Chromium says so).
let browser: EditorBenchRow[] | string = 'skipped (--no-browser)';
if (!process.argv.includes('--no-browser')) {
  try {
    browser = await browserEditorBenchmarks({ rounds: Math.min(rounds, 3) });
  } catch (error) {
    browser = `not measured: ${(error as Error).message.split('\n')[0]} (apt-get install chromium)`;
  }
}
if (json) {
  for (const r of rows) console.log(JSON.stringify(r));
  for (const e of editor) console.log(JSON.stringify(e));
  for (const a of analysis) console.log(JSON.stringify(a));
  if (typeof browser === 'string') console.error(`editor in Chromium: ${browser}`);
  else for (const b of browser) console.log(JSON.stringify(b));
} else {
  const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  console.log(`Tensorloom ${version} bench: training ms/step, median of ${rounds} interleaved rounds, each the median of the timed steps after warm-up steps (MLP and MoE ${SMALL_MODEL_STEPS.steps} after ${SMALL_MODEL_STEPS.warmup}, Script ${SCRIPT_STEPS.steps} after ${SCRIPT_STEPS.warmup}) (ratio = PyTorch ms / Tensorloom ms; above 1 means Tensorloom is faster)`);
  const blas = used === 'native' ? ` over ${nativeBlasInfo()}` : '';
  console.log(`backend: ${used} (${report.label}${blas})${report.skipped.length ? `; skipped: ${report.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}` : ''}`);
  console.log(`machine peak: ${peak.map((p) => `${p.gflops} GFLOP/s (${p.label})`).join(', ')}`);
  console.log(`GFLOP/s count the step's matrix products (bench/flops.ts); "fastest steps" = Tensorloom's and PyTorch's fastest single step and their ratio\n`);
  const threads = (t: number | null) => (t ? ` (${t}t)` : '');
  console.log(
    ['workload'.padEnd(58), 'backend'.padEnd(8), 'tensorloom'.padStart(13), 'GFLOP/s'.padStart(8), 'pytorch'.padStart(11), 'GFLOP/s'.padStart(8), 'ratio'.padStart(7), 'fastest steps'.padStart(22)].join(' '),
  );
  for (const r of rows) {
    console.log(
      [
        r.name.padEnd(58),
        r.backend.padEnd(8),
        `${r.tensorloomMs}${threads(r.tensorloomThreads)}`.padStart(13),
        `${r.tensorloomGflops}`.padStart(8),
        `${r.pytorchMs ?? '—'}${threads(r.pytorchThreads)}`.padStart(11),
        `${r.pytorchGflops ?? '—'}`.padStart(8),
        `${r.ratio ?? '—'}`.padStart(7),
        `${r.tensorloomFastestMs} / ${r.pytorchFastestMs ?? '—'} = ${r.fastestRatio ?? '—'}`.padStart(22),
      ].join(' '),
    );
  }
  console.log(`\n${'editor at scale'.padEnd(58)} ${'ms'.padStart(8)} ${'target'.padStart(8)}`);
  for (const e of editor) console.log(`${e.name.padEnd(58)} ${String(e.ms).padStart(8)} ${`< ${e.targetMs}`.padStart(8)}`);
  console.log(`\n${`analysis (${used})`.padEnd(58)} ${'ms'.padStart(8)} ${'target'.padStart(8)}`);
  for (const a of analysis) console.log(`${a.name.padEnd(58)} ${String(a.ms).padStart(8)} ${`< ${a.targetMs}`.padStart(8)}`);
  console.log('\neditor in Chromium (headless, software rendering)');
  console.log(typeof browser === 'string' ? browser : formatRows(browser));
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
