import type { TensorType } from '../shapes/types.js';
import { keyDimOf } from '../nodes/interpreters/tokens.js';
import { allocateNames, ExportError, resolveExportAxis, type ExportNode, type ExportPlan } from './plan.js';
import { JS_BLOCKS } from './tfjsLibrary.js';

/**
 * Generates a standalone ES module for plain `@tensorflow/tfjs` from an export plan:
 * `loadModel()` reads `weights.bin` (float32, little-endian, the variables in the order
 * of WEIGHT_SPECS, decoded with tf.io.decodeWeights) and returns `{ predict, dispose }`;
 * `predict(x)` runs the graph for inference (Dropout is the identity) with one line per
 * node. It imports nothing from Tensorloom.
 */
export interface TfjsExport {
  code: string;
  /** tf.io weight specs of weights.bin, in file order. */
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
}

const JS_KEYWORDS = [
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends',
  'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this',
  'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'implements', 'interface', 'package',
  'private', 'protected', 'public', 'await', 'async', 'arguments', 'eval', 'undefined', 'NaN', 'Infinity', 'of',
];
const JS_USED = [
  'tf', 'x', 'y', 'v', 'weights', 'node', 'predict', 'createModel', 'loadModel', 'readBytes', 'toArrayBuffer', 'WEIGHT_SPECS',
  'INPUT', 'NI_EPS', 'Math', 'Object', 'Array', 'URL', 'process', 'fetch', 'unitNormalize', 'compatibilities', 'lineOfCode',
  ...Object.keys(JS_BLOCKS),
];
export const JS_RESERVED: ReadonlySet<string> = new Set([...JS_KEYWORDS, ...JS_USED]);

interface JsNode {
  expr: string;
  comment?: string;
  blocks?: string[];
}

export function generateTfjs(plan: ExportPlan, options: { weightsFile?: string; source?: string } = {}): TfjsExport {
  const weightsFile = options.weightsFile ?? 'weights.bin';
  const names = allocateNames(plan.body.map((n) => n.id), JS_RESERVED);
  const local = (source: string, port: string) => (plan.input && source === plan.input.id ? port : names.get(source)!);
  const ref = (node: ExportNode, port: string) => local(node.inputs[port].source, node.inputs[port].port);
  const emitted = plan.body.map((node) => ({ node, name: names.get(node.id)!, js: emitNode(node, ref) }));
  const blocks = orderBlocks(emitted.flatMap((e) => e.js.blocks ?? []));
  const weightSpecs = plan.nodes.flatMap((n) => n.variables.map((v) => ({ name: `${n.id}/${v.name}`, shape: v.shape, dtype: 'float32' as const })));

  const single = plan.outputs.length === 1;
  const args = plan.forwardTakesLabels ? 'x, y' : 'x';
  const returns = single
    ? local(plan.outputs[0].nodeId, plan.outputs[0].port)
    : `{ ${plan.outputs.map((o) => `${JSON.stringify(o.name)}: ${local(o.nodeId, o.port)}`).join(', ')} }`;
  const inputDoc = plan.input
    ? Object.entries(plan.input.outputTypes).filter(([port]) => port === 'x' || plan.forwardTakesLabels).map(([port, t]) => `${port}: { shape: ${JSON.stringify(t.shape.map((d) => (d === 'B' ? null : d)))}, dtype: '${t.dtype}' }`)
    : [];

  const lines: string[] = [];
  lines.push(
    `// ${oneLine(plan.title)}: exported from Tensorloom${options.source ? ` (${oneLine(options.source)})` : ''}.`,
    '// A standalone ES module for @tensorflow/tfjs (4.x); it imports nothing from Tensorloom.',
    '//',
    `//   import { loadModel } from './model.mjs';`,
    `//   const model = await loadModel();        // reads ${weightsFile} next to this file (Node or browser)`,
    `//   const ${single ? 'prediction' : 'outputs'} = model.predict(${args});    // tf.Tensor${plan.input ? ` x ${showType(plan.input.outputTypes.x)}` : ''}`,
    '//',
    `// predict runs the graph for inference (Dropout passes through); it returns ${single ? 'one tensor' : 'an object of tensors by node id'}, yours to dispose.`,
    '',
    `import * as tf from '@tensorflow/tfjs';`,
    '',
    `/** The variables in ${weightsFile}, in file order: float32, little-endian ("<node>/<variable>"). */`,
    `export const WEIGHT_SPECS = [`,
    ...weightSpecs.map((s) => `  { name: ${JSON.stringify(s.name)}, shape: ${JSON.stringify(s.shape)}, dtype: 'float32' },`),
    '];',
    '',
    '/** What predict takes (null: any batch size). */',
    `export const INPUT = { ${inputDoc.join(', ')} };`,
  );
  for (const b of blocks) lines.push(JS_BLOCKS[b].code);
  lines.push(
    '',
    `/** Builds the model from the bytes of ${weightsFile}. */`,
    'export function createModel(weightData) {',
    '  const weights = tf.io.decodeWeights(toArrayBuffer(weightData), WEIGHT_SPECS);',
    ...(emitted.some((e) => e.js.expr.includes('node(')) ? ['  const node = (id) => (name) => weights[`${id}/${name}`];'] : []),
    `  function predict(${args}) {`,
    '    return tf.tidy(() => {',
    ...emitted.map((e) => `      const ${e.name} = ${e.js.expr};${e.js.comment ? ` // ${e.js.comment}` : ''}`),
    `      return ${returns};`,
    '    });',
    '  }',
    '  return { predict, weights, dispose: () => tf.dispose(Object.values(weights)) };',
    '}',
    '',
    `/** Reads ${weightsFile} (bytes, a file path or file: URL in Node, a URL in the browser) and builds the model. */`,
    `export async function loadModel(source = new URL(${JSON.stringify(`./${weightsFile}`)}, import.meta.url)) {`,
    '  return createModel(await readBytes(source));',
    '}',
    '',
    'async function readBytes(source) {',
    '  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source;',
    "  const inNode = typeof process !== 'undefined' && Boolean(process.versions?.node);",
    '  const isUrl = source instanceof URL || /^[a-z][a-z0-9+.-]+:/i.test(String(source));',
    "  if (inNode && (!isUrl || new URL(String(source)).protocol === 'file:')) {",
    "    const { readFile } = await import('node:fs/promises');",
    '    return readFile(isUrl ? new URL(String(source)) : String(source));',
    '  }',
    '  const response = await fetch(String(source));',
    '  if (!response.ok) throw new Error(`cannot read the weights at ${source}: HTTP ${response.status}`);',
    '  return response.arrayBuffer();',
    '}',
    '',
    'function toArrayBuffer(data) {',
    '  if (data instanceof ArrayBuffer) return data;',
    '  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);',
    '}',
    '',
  );
  return { code: lines.join('\n'), weightSpecs };
}

function emitNode(node: ExportNode, ref: (node: ExportNode, port: string) => string): JsNode {
  const p = node.params as Record<string, number & string & boolean>;
  const a = () => ref(node, 'in');
  const w = (name: string) => `weights[${JSON.stringify(`${node.id}/${name}`)}]`;
  const v = `node(${JSON.stringify(node.id)})`;
  const rank = () => node.inputTypes.in.shape.length;
  switch (node.type) {
    case 'Linear':
      return { expr: `linear(${a()}, ${w('weight')}${p.bias ? `, ${w('bias')}` : ''})`, blocks: ['linear'] };
    case 'Dropout':
      return { expr: a(), comment: `Dropout(${p.rate}): the identity at inference` };
    case 'LayerNorm':
      return { expr: `layerNorm(${a()}, ${p.eps}${p.affine ? `, ${w('weight')}, ${w('bias')}` : ''})`, blocks: ['layerNorm'] };
    case 'Embedding':
      return { expr: `embedding(${a()}, ${w('weight')})`, blocks: ['embedding'] };
    case 'ReLU':
      return { expr: `tf.relu(${a()})` };
    case 'GELU':
      return p.approximate === 'tanh' ? { expr: `geluTanh(${a()})`, blocks: ['geluTanh'] } : { expr: `gelu(${a()})`, blocks: ['gelu'] };
    case 'Tanh':
      return { expr: `tf.tanh(${a()})` };
    case 'Sigmoid':
      return { expr: `tf.sigmoid(${a()})` };
    case 'Softmax':
      return { expr: `softmaxAlong(${a()}, ${resolveExportAxis(p.axis, rank())})`, blocks: ['softmaxAlong'] };
    case 'Add':
      return { expr: `tf.add(${ref(node, 'a')}, ${ref(node, 'b')})` };
    case 'Concat': {
      const ports = ['a', 'b', 'c', 'd'].filter((port) => node.inputs[port]);
      const axis = resolveExportAxis(p.axis, node.inputTypes.a.shape.length);
      return { expr: `tf.concat([${ports.map((port) => ref(node, port)).join(', ')}], ${axis})` };
    }
    case 'Flatten':
      return { expr: `tf.reshape(${a()}, [${a()}.shape[0], -1])` };
    case 'Patchify':
      return { expr: `patchify(${a()}, ${p.patch})`, blocks: ['patchify'] };
    case 'ClsToken':
      return { expr: `clsToken(${a()}, ${w('token')})`, blocks: ['clsToken'] };
    case 'SelectToken': {
      const tokens = node.inputTypes.in.shape[1] as number;
      return { expr: `selectToken(${a()}, ${resolveExportAxis(p.index, tokens)})`, blocks: ['selectToken'] };
    }
    case 'MeanPool':
      return { expr: `tf.mean(${a()}, ${resolveExportAxis(p.axis, rank())})` };
    case 'MoE':
      return { expr: `moe(${a()}, ${v}, { topK: ${p.topK}, units: ${p.units}, activation: '${p.activation}' })`, blocks: ['moe'] };
    case 'MoA':
      return { expr: `moa(${a()}, ${v}, { topK: ${p.topK}, heads: ${p.heads}, headDim: ${p.headDim}, causal: ${p.causal} })`, blocks: ['moa'] };
    case 'ModAttn': {
      const d = node.inputTypes.in.shape[2] as number;
      return { expr: `modAttn(${a()}, ${v}, { heads: ${p.heads}, keyDim: ${keyDimOf(d, p.heads, p.keyDim)}, codeDim: ${p.codeDim} })`, blocks: ['modAttn'] };
    }
    case 'Script': {
      const d = node.inputTypes.in.shape[2] as number;
      const settings = {
        iterations: p.iterations, loc: p.loc, heads: p.heads, keyDim: keyDimOf(d, p.heads, p.keyDim),
        mlpLayers: p.mlpLayers, truncation: p.truncation, temperature: p.temperature,
      };
      const literal = Object.entries(settings).map(([k, value]) => `${k}: ${value}`).join(', ');
      return { expr: `script(${a()}, ${v}, { ${literal} })`, blocks: ['script'] };
    }
  }
  throw new ExportError(`node "${node.id}": kind ${node.type} cannot be exported to TensorFlow.js yet`);
}

function orderBlocks(wanted: string[]): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    for (const dep of JS_BLOCKS[name].needs) visit(dep);
    order.push(name);
  };
  for (const name of wanted) visit(name);
  return order;
}

function showType(type: TensorType): string {
  return `[${type.shape.join(', ')}] ${type.dtype}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** weights.bin: the variables in WEIGHT_SPECS order, float32 little-endian, as tf.io.decodeWeights reads them. */
export function encodeTfjsWeights(
  specs: TfjsExport['weightSpecs'],
  weights: Record<string, { shape: number[]; data: Float32Array }>,
): Uint8Array {
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const bytes = new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const spec of specs) {
    const data = weights[spec.name].data;
    for (let i = 0; i < data.length; i++, offset += 4) view.setFloat32(offset, data[i], true);
  }
  return bytes;
}
