/**
 * Mutations of graph files for the fuzz test: structural edits on the parsed value,
 * and text-level damage (truncation, junk, NaN literals) on the serialised file.
 */
export type Rng = () => number;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

const WEIRD_VALUES: unknown[] = [
  null, true, false, 0, -1, -1e9, 1e308, 2 ** 53, 1e-320, 0.5, '', 'x', '💥', '0', [], [1, 2], {}, { a: 1 },
  'Linear', 'NaN', -0, 1e20, 123456789,
];

const KIND_NAMES = ['Linear', 'ReLU', 'Dropout', 'MoE', 'ModAttn', 'Script', 'Add', 'Concat', 'Flatten', 'Embedding', 'CrossEntropy', 'MSE', 'KLDiv', 'Input', 'Nope', 'linear', ''];

/** Every container (object or array) inside a value, with a way to edit it. */
function containers(value: unknown, out: (Record<string, unknown> | unknown[])[] = [], depth = 0): (Record<string, unknown> | unknown[])[] {
  if (depth > 50 || value === null || typeof value !== 'object') return out;
  out.push(value as Record<string, unknown> | unknown[]);
  for (const v of Object.values(value as object)) containers(v, out, depth + 1);
  return out;
}

type Mutation = (graph: Record<string, unknown>, rng: Rng) => void;

const structural: Record<string, Mutation> = {
  deleteKey(g, rng) {
    const c = pick(rng, containers(g));
    const keys = Object.keys(c);
    if (!keys.length) return;
    const k = pick(rng, keys);
    if (Array.isArray(c)) c.splice(Number(k), 1);
    else delete c[k];
  },
  wrongType(g, rng) {
    const c = pick(rng, containers(g));
    const keys = Object.keys(c);
    if (keys.length) (c as Record<string, unknown>)[pick(rng, keys)] = structuredClone(pick(rng, WEIRD_VALUES));
  },
  hugeOrNegativeParam(g, rng) {
    const nodes = g.nodes as { params?: Record<string, unknown> }[] | undefined;
    if (!Array.isArray(nodes) || !nodes.length) return;
    const n = pick(rng, nodes);
    if (!n || typeof n !== 'object') return;
    n.params = { ...(n.params ?? {}), [pick(rng, ['units', 'rate', 'experts', 'topK', 'hidden', 'heads', 'vocab', 'dim', 'axis', 'functions', 'loc', 'iterations', 'patch'])]: pick(rng, [1e9, -5, 0, 2 ** 31, 1 << 20, 3.5, -0.5, 1e308]) };
  },
  /** Plausible values, so many cases stay valid and reach compile and forward. */
  tweakParam(g, rng) {
    const nodes = g.nodes as { type?: unknown; params?: Record<string, unknown> }[] | undefined;
    if (!Array.isArray(nodes) || !nodes.length) return;
    const n = pick(rng, nodes);
    if (!n || typeof n !== 'object') return;
    const key = pick(rng, ['units', 'rate', 'experts', 'topK', 'hidden', 'heads', 'keyDim', 'axis', 'functions', 'loc', 'iterations', 'bias', 'eps', 'labelSmoothing']);
    const value = key === 'rate' || key === 'labelSmoothing' ? Math.round(rng() * 90) / 100 : key === 'bias' ? rng() < 0.5 : key === 'axis' ? pick(rng, [-1, 1, 2]) : key === 'eps' ? 1e-3 : 1 + Math.floor(rng() * 8);
    n.params = { ...(n.params ?? {}), [key]: value };
  },
  movePosition(g, rng) {
    const nodes = g.nodes as { position?: unknown }[] | undefined;
    if (Array.isArray(nodes) && nodes.length) {
      const n = pick(rng, nodes);
      if (n && typeof n === 'object') n.position = { x: rng() * 1e4 - 5e3, y: rng() * 1e4 - 5e3 };
    }
  },
  unknownType(g, rng) {
    const nodes = g.nodes as { type?: unknown }[] | undefined;
    if (Array.isArray(nodes) && nodes.length) {
      const n = pick(rng, nodes);
      if (n && typeof n === 'object') n.type = pick(rng, KIND_NAMES);
    }
  },
  danglingEdge(g, rng) {
    const edges = g.edges as unknown[] | undefined;
    if (Array.isArray(edges)) edges.push({ source: pick(rng, ['ghost', 'in', 'h1']), target: pick(rng, ['nowhere', 'loss', 'out']), targetPort: pick(rng, [undefined, 'x', 'labels', 'in']) });
  },
  cycle(g, rng) {
    const nodes = g.nodes as { id?: unknown }[] | undefined;
    const edges = g.edges as unknown[] | undefined;
    if (!Array.isArray(nodes) || !Array.isArray(edges) || nodes.length < 2) return;
    const a = pick(rng, nodes)?.id;
    const b = pick(rng, nodes)?.id;
    edges.push({ source: a, target: b }, { source: b, target: a });
  },
  duplicateNode(g, rng) {
    const nodes = g.nodes as unknown[] | undefined;
    if (Array.isArray(nodes) && nodes.length) nodes.push(structuredClone(pick(rng, nodes)));
  },
  duplicateEdge(g, rng) {
    const edges = g.edges as unknown[] | undefined;
    if (Array.isArray(edges) && edges.length) edges.push(structuredClone(pick(rng, edges)));
  },
  deepNesting(g, rng) {
    let v: unknown = pick(rng, WEIRD_VALUES);
    for (let i = 0; i < 2000; i++) v = rng() < 0.5 ? [v] : { v };
    const c = pick(rng, containers(g));
    const keys = Object.keys(c);
    if (keys.length) (c as Record<string, unknown>)[pick(rng, keys)] = v;
  },
  swapDataset(g, rng) {
    g.dataset = pick(rng, [{ name: 'mnist' }, { name: 'spirals', params: { samples: -3 } }, { name: 'csv', params: { path: '/nonexistent.csv', label: 'y' } }, { name: 'modular-addition' }, { name: 'teacher' }, { name: 'nope' }, 'spirals', null]);
  },
  removeLoss(g) {
    const nodes = g.nodes as { type?: unknown }[] | undefined;
    if (Array.isArray(nodes)) g.nodes = nodes.filter((n) => !(n && typeof n === 'object' && ['CrossEntropy', 'MSE', 'KLDiv'].includes(String(n.type))));
  },
  rewirePort(g, rng) {
    const edges = g.edges as Record<string, unknown>[] | undefined;
    if (!Array.isArray(edges) || !edges.length) return;
    const e = pick(rng, edges);
    if (e && typeof e === 'object') e[pick(rng, ['sourcePort', 'targetPort'])] = pick(rng, ['x', 'y', 'in', 'out', 'logits', 'labels', 'a', 'b', 'zzz']);
  },
  trainingJunk(g, rng) {
    g.training = pick(rng, [{ optimizer: { type: 'adam', learningRate: -1 }, batchSize: 0, epochs: 1 }, { optimizer: { type: 'rmsprop', learningRate: 0.1 }, batchSize: 8, epochs: 1 }, { optimizer: {}, batchSize: 1e12, epochs: 1e12 }, 'fast', []]);
  },
};

const textual: Record<string, (text: string, rng: Rng) => string> = {
  truncate: (t, rng) => t.slice(0, Math.floor(rng() * t.length)),
  binaryJunk: (t, rng) => {
    const bytes = Array.from({ length: 1 + Math.floor(rng() * 400) }, () => String.fromCharCode(Math.floor(rng() * 256)));
    const at = Math.floor(rng() * t.length);
    return t.slice(0, at) + bytes.join('') + t.slice(at);
  },
  nanLiteral: (t, rng) => t.replace(/\d+(\.\d+)?/, pick(rng, ['NaN', 'Infinity', '-Infinity', '1e999', '0x10', '00'])),
  duplicateKey: (t) => t.replace('"nodes":', '"nodes": [], "nodes":'),
  pureJunk: (_t, rng) => Array.from({ length: Math.floor(rng() * 200) }, () => String.fromCharCode(Math.floor(rng() * 65536))).join(''),
  emptyFile: () => '',
};

export const structuralNames = Object.keys(structural);
export const textualNames = Object.keys(textual);

/** One fuzz case: a few structural mutations, then maybe one textual one. */
export function mutate(base: unknown, rng: Rng): { text: string; applied: string[] } {
  const graph = structuredClone(base) as Record<string, unknown>;
  const applied: string[] = [];
  const count = rng() < 0.5 ? 1 : 1 + Math.floor(rng() * 3);
  for (let i = 0; i < count; i++) {
    const name = pick(rng, structuralNames);
    structural[name](graph, rng);
    applied.push(name);
  }
  let text = JSON.stringify(graph);
  if (rng() < 0.25) {
    const name = pick(rng, textualNames);
    text = textual[name](text, rng);
    applied.push(name);
  }
  return { text, applied };
}
