import type { TensorType } from '../shapes/types.js';
import { keyDimOf } from '../nodes/interpreters/tokens.js';
import { allocateNames, className, ExportError, lastDim, type ExportNode, type ExportPlan } from './plan.js';
import { PYTHON_BLOCKS, READ_SAFETENSORS } from './pytorchLibrary.js';

/**
 * Generates a self-contained Python module for PyTorch from an export plan: one
 * nn.Module for the graph whose forward reads like the graph (one line per node, node
 * ids as names), one class per custom kind (MoE, MoA, ModAttn, Script and its parts)
 * copied from pytorchLibrary.ts, a reader for Tensorloom's safetensors weights and the
 * explicit map from Tensorloom's variable names to the module's state_dict.
 *
 * Layouts: Tensorloom stores a Linear weight [in, out] (tfjs' matMul layout) and
 * nn.Linear holds [out, in], so every such weight is transposed when loaded (`.T` in
 * the map); stacked expert weights [E, in, out] are split per expert.
 */
export interface PyTorchExport {
  code: string;
  className: string;
}

export interface PyTorchOptions {
  /** File name of the weights next to the module (default weights.safetensors). */
  weightsFile?: string;
  /** Where the graph came from, named in the module's header. */
  source?: string;
}

const PY_KEYWORDS = [
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield', 'match', 'case', 'type',
];
/** Names the generated code uses: modules, builtins, its own functions and locals. */
const PY_USED = [
  'torch', 'nn', 'F', 'math', 'json', 'os', 'struct', 'sys', 'self', 'x', 'y', 't', 'outputs', 'len', 'range', 'sum', 'print',
  'zip', 'enumerate', 'float', 'int', 'super', 'open', 'dict', 'list', 'object', 'str', 'WEIGHTS_FILE', 'NI_EPS',
  'read_safetensors', 'tensorloom_state_dict', 'load_model', 'loss', ...Object.keys(PYTHON_BLOCKS),
];
/** nn.Module's own attributes (torch 1.13 to 2.x): a submodule must not shadow them. */
const MODULE_ATTRIBUTES = [
  'T_destination', 'dump_patches', 'training', 'call_super_init', 'forward', 'register_buffer', 'register_parameter', 'add_module',
  'register_module', 'get_submodule', 'set_submodule', 'get_parameter', 'get_buffer', 'get_extra_state', 'set_extra_state', 'apply',
  'cuda', 'ipu', 'xpu', 'mtia', 'cpu', 'type', 'float', 'double', 'half', 'bfloat16', 'to_empty', 'to', 'register_full_backward_pre_hook',
  'register_backward_hook', 'register_full_backward_hook', 'register_forward_pre_hook', 'register_forward_hook',
  'register_state_dict_post_hook', 'register_state_dict_pre_hook', 'state_dict', 'register_load_state_dict_pre_hook',
  'register_load_state_dict_post_hook', 'load_state_dict', 'parameters', 'named_parameters', 'buffers', 'named_buffers', 'children',
  'named_children', 'modules', 'named_modules', 'train', 'eval', 'requires_grad_', 'zero_grad', 'share_memory', 'extra_repr', 'compile',
];
export const PY_RESERVED: ReadonlySet<string> = new Set([...PY_KEYWORDS, ...PY_USED, ...MODULE_ATTRIBUTES]);

/** How one node appears in the module. */
interface PyNode {
  /** Right-hand side of `self.<name> = …` in __init__. */
  init?: string;
  /** The forward expression of the node's output. */
  expr: string;
  /** state_dict entries: [key below self.<name> ('' for the attribute itself), Tensorloom variable, suffix: '', '.T', '[e]', '[e].T']. */
  weights?: [string, string, string][];
  /** A weighted auxiliary loss term read after the forward. */
  auxLoss?: string;
  blocks?: string[];
}

export function generatePyTorch(plan: ExportPlan, options: PyTorchOptions = {}): PyTorchExport {
  const weightsFile = options.weightsFile ?? 'weights.safetensors';
  const cls = className(plan.title, PY_RESERVED);
  const reserved = new Set([...PY_RESERVED, cls]);
  const names = allocateNames(plan.body.map((n) => n.id), reserved);
  const local = (source: string, port: string): string => {
    if (plan.input && source === plan.input.id) return port;
    return names.get(source)!;
  };
  const ref = (node: ExportNode, port: string) => local(node.inputs[port].source, node.inputs[port].port);

  const emitted = plan.body.map((node) => ({ node, name: names.get(node.id)!, py: emitNode(node, names.get(node.id)!, ref) }));
  const blocks = orderBlocks(emitted.flatMap((e) => e.py.blocks ?? []));

  const out: string[] = [];
  out.push(header(plan, cls, weightsFile, options.source));
  out.push('import json\nimport math\nimport os\nimport struct\nimport sys\n\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n');
  out.push(`WEIGHTS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), ${pyString(weightsFile)})\n`);
  for (const b of blocks) out.push(PYTHON_BLOCKS[b].code.trim() + '\n');
  out.push(modelClass(plan, cls, emitted, local));
  out.push(stateDictFunction(plan, emitted));
  out.push(READ_SAFETENSORS.trim() + '\n');
  out.push(
    [
      `def load_model(path=WEIGHTS_FILE):`,
      `    """A ${cls} with the weights exported from Tensorloom, in inference mode."""`,
      `    model = ${cls}()`,
      `    model.load_state_dict(tensorloom_state_dict(read_safetensors(path)))`,
      `    return model.eval()`,
      '',
      '',
      `if __name__ == "__main__":`,
      `    model = load_model()`,
      `    print(model)`,
      `    print(sum(p.numel() for p in model.parameters()), "parameters")`,
      '',
    ].join('\n'),
  );
  return { code: out.join('\n\n'), className: cls };
}

function header(plan: ExportPlan, cls: string, weightsFile: string, source?: string): string {
  const lines = [`"""${docText(plan.title)}: exported from Tensorloom${source ? ` (${docText(source)})` : ''}.`, ''];
  if (plan.description) lines.push(...wrap(docText(plan.description), 88), '');
  lines.push(
    'Self-contained: needs only PyTorch (checked with 1.13). Usage:',
    '',
    `    from model import load_model      # this file, saved as model.py`,
    `    model = load_model()              # reads ${weightsFile} next to this file`,
    `    ${plan.outputs.length === 1 ? 'prediction' : 'outputs'} = model(x${plan.forwardTakesLabels ? ', y' : ''})`,
  );
  if (plan.losses.length) lines.push(`    objective = model.loss(x, y)      # the training loss, as Tensorloom computes it`);
  lines.push('');
  if (plan.input) {
    lines.push(`x: ${showType(plan.input.outputTypes.x)}${plan.input.outputTypes.x.dtype === 'int32' ? ' (token ids; int64 works too)' : ''}`);
    lines.push(`y: ${showType(plan.input.outputTypes.y)}`);
  }
  lines.push(
    '',
    `${cls}() starts from PyTorch's initialisation (the same distributions as Tensorloom's);`,
    'load_model() loads the exported weights. Tensorloom stores a Linear weight as [in, out],',
    'the transpose of nn.Linear, so tensorloom_state_dict() transposes them.',
    '"""',
  );
  return lines.join('\n');
}

function modelClass(
  plan: ExportPlan,
  cls: string,
  emitted: { node: ExportNode; name: string; py: PyNode }[],
  local: (source: string, port: string) => string,
): string {
  const lines: string[] = [`class ${cls}(nn.Module):`];
  lines.push(`    """${docText(plan.title)}, one line of forward per Tensorloom node."""`, '');
  lines.push('    def __init__(self):', '        super().__init__()');
  const inits = emitted.filter((e) => e.py.init);
  for (const e of inits) lines.push(...wrapCall(`        self.${e.name} = `, e.py.init!));
  if (!inits.length) lines.push('        pass');
  lines.push('');

  const args = plan.forwardTakesLabels ? 'x, y' : 'x';
  const single = plan.outputs.length === 1;
  const outputExpr = (o: ExportPlan['outputs'][number]) => local(o.nodeId, o.port);
  lines.push(`    def forward(self, ${args}):`);
  const returns = plan.outputs.map((o) => `${o.name} ${showType(typeOfOutput(plan, o))}`).join(', ');
  lines.push(`        """${plan.input ? `x: ${showType(plan.input.outputTypes.x)}` : 'x: the input'} → ${single ? returns : `{${returns}}`}"""`);
  for (const e of emitted) lines.push(`        ${e.name} = ${e.py.expr}${e.name !== e.node.id ? `  # node "${e.node.id}"` : ''}`);
  if (single) lines.push(`        return ${outputExpr(plan.outputs[0])}`);
  else lines.push(`        return {${plan.outputs.map((o) => `${pyString(o.name)}: ${outputExpr(o)}`).join(', ')}}`);

  if (plan.losses.length) {
    const lossReadsY = plan.losses.some((l) => Object.values(l.inputs).some((f) => plan.input && f.source === plan.input.id && f.port === 'y'));
    const lossArgs = plan.forwardTakesLabels || lossReadsY ? 'x, y' : 'x';
    lines.push('', `    def loss(self, ${lossArgs}):`);
    const aux = emitted.filter((e) => e.py.auxLoss);
    const parts = [...plan.losses.map((l) => `${l.id} (${l.type})`), ...aux.map((e) => `the balance loss of ${e.node.id}`)];
    lines.push(`        """The training objective as Tensorloom computes it: ${parts.join(' + ')}."""`);
    let value: (source: string, port: string) => string;
    if (single) {
      const o = plan.outputs[0];
      const bound = outputExpr(o);
      lines.push(`        ${bound} = self(${args})`);
      value = (source, port) => local(source, port);
    } else {
      lines.push(`        outputs = self(${args})`);
      value = (source, port) => {
        const o = plan.outputs.find((p) => p.nodeId === source && p.port === port);
        return o ? `outputs[${pyString(o.name)}]` : local(source, port);
      };
    }
    const terms = plan.losses.map((l) => lossExpr(l, (port) => value(l.inputs[port].source, l.inputs[port].port)));
    for (const e of aux) terms.push(e.py.auxLoss!);
    if (terms.length === 1) lines.push(`        return ${terms[0]}`);
    else lines.push('        return (', `            ${terms[0]}`, ...terms.slice(1).map((t) => `            + ${t}`), '        )');
  }
  return lines.join('\n') + '\n';
}

function typeOfOutput(plan: ExportPlan, o: ExportPlan['outputs'][number]): TensorType {
  return plan.nodes.find((n) => n.id === o.nodeId)!.outputTypes[o.port];
}

function lossExpr(loss: ExportNode, input: (port: string) => string): string {
  const p = loss.params;
  switch (loss.type) {
    case 'CrossEntropy': {
      const logits = input('logits');
      const labels = input('labels');
      const smoothing = (p.labelSmoothing as number) > 0 ? `, label_smoothing=${pyFloat(p.labelSmoothing as number)}` : '';
      if (loss.inputTypes.logits.shape.length === 2) return `F.cross_entropy(${logits}, ${labels}.long()${smoothing})`;
      return `F.cross_entropy(${logits}.reshape(-1, ${logits}.shape[-1]), ${labels}.reshape(-1).long()${smoothing})`;
    }
    case 'MSE':
      return `F.mse_loss(${input('pred')}, ${input('target')})`;
    case 'KLDiv': {
      const logQ = p.qInput === 'probabilities' ? `${input('q')}.clamp_min(1e-30).log()` : `F.log_softmax(${input('q')}, dim=-1)`;
      return `F.kl_div(${logQ}, ${input('p')}, reduction="batchmean")`;
    }
  }
  throw new ExportError(`node "${loss.id}": loss kind ${loss.type} cannot be exported to PyTorch yet`);
}

function stateDictFunction(plan: ExportPlan, emitted: { node: ExportNode; name: string; py: PyNode }[]): string {
  const lines = [
    'def tensorloom_state_dict(t):',
    `    """This model's state_dict from Tensorloom's variables, named "<node>/<variable>"."""`,
    '    return {',
  ];
  for (const e of emitted) {
    const declared = new Set(e.node.variables.map((v) => v.name));
    const used = new Set<string>();
    for (const [key, variable, suffix] of e.py.weights ?? []) {
      if (!declared.has(variable)) throw new ExportError(`node "${e.node.id}" (${e.node.type}): the export maps variable "${variable}", which the node does not have`);
      used.add(variable);
      lines.push(`        ${pyString(key ? `${e.name}.${key}` : e.name)}: t[${pyString(`${e.node.id}/${variable}`)}]${suffix},`);
    }
    const unmapped = [...declared].filter((v) => !used.has(v));
    if (unmapped.length) throw new ExportError(`node "${e.node.id}" (${e.node.type}): variables ${unmapped.join(', ')} have no place in the PyTorch module`);
  }
  lines.push('    }');
  return lines.join('\n') + '\n';
}

/** One node's module, forward line and weights, by kind. */
function emitNode(node: ExportNode, name: string, ref: (node: ExportNode, port: string) => string): PyNode {
  const p = node.params as Record<string, number & string & boolean>;
  const a = () => ref(node, 'in');
  const dim = () => lastDim(node.inputTypes.in);
  switch (node.type) {
    case 'Linear':
      return {
        init: `nn.Linear(${dim()}, ${p.units}${p.bias ? '' : ', bias=False'})`,
        expr: `self.${name}(${a()})`,
        weights: [['weight', 'weight', '.T'], ...(p.bias ? [['bias', 'bias', ''] as [string, string, string]] : [])],
      };
    case 'Dropout':
      return { init: `nn.Dropout(p=${pyFloat(p.rate)})`, expr: `self.${name}(${a()})` };
    case 'LayerNorm':
      return {
        init: `nn.LayerNorm(${dim()}, eps=${pyFloat(p.eps)}${p.affine ? '' : ', elementwise_affine=False'})`,
        expr: `self.${name}(${a()})`,
        weights: p.affine ? [['weight', 'weight', ''], ['bias', 'bias', '']] : [],
      };
    case 'Embedding':
      return { init: `nn.Embedding(${p.vocab}, ${p.dim})`, expr: `self.${name}(${a()}.long())`, weights: [['weight', 'weight', '']] };
    case 'ReLU':
      return { expr: `torch.relu(${a()})` };
    case 'GELU':
      return { expr: p.approximate === 'tanh' ? `F.gelu(${a()}, approximate="tanh")` : `F.gelu(${a()})` };
    case 'Tanh':
      return { expr: `torch.tanh(${a()})` };
    case 'Sigmoid':
      return { expr: `torch.sigmoid(${a()})` };
    case 'Softmax':
      return { expr: `torch.softmax(${a()}, dim=${p.axis})` };
    case 'Add':
      return { expr: `${ref(node, 'a')} + ${ref(node, 'b')}` };
    case 'Concat':
      return { expr: `torch.cat([${['a', 'b', 'c', 'd'].filter((port) => node.inputs[port]).map((port) => ref(node, port)).join(', ')}], dim=${p.axis})` };
    case 'Flatten':
      return { expr: `${a()}.flatten(1)` };
    case 'Patchify':
      return { expr: `patchify(${a()}, ${p.patch})`, blocks: ['patchify'] };
    case 'ClsToken':
      return {
        init: `nn.Parameter(0.02 * torch.randn(1, 1, ${dim()}))`,
        expr: `torch.cat([self.${name}.expand(${a()}.shape[0], -1, -1), ${a()}], dim=1)`,
        weights: [['', 'token', '']],
      };
    case 'SelectToken':
      return { expr: `${a()}[:, ${p.index}]` };
    case 'MeanPool':
      return { expr: `${a()}.mean(dim=${p.axis})` };
    case 'MoE':
      return {
        init: `MoE(${dim()}, experts=${p.experts}, top_k=${p.topK}, hidden=${p.hidden}, units=${p.units}, activation=${pyString(p.activation)})`,
        expr: `self.${name}(${a()})`,
        weights: [
          ['gate.weight', 'gate_weight', '.T'],
          ['gate.bias', 'gate_bias', ''],
          ...perExpert(p.experts, (e) => [
            [`experts.${e}.0.weight`, 'w1', `[${e}].T`],
            [`experts.${e}.0.bias`, 'b1', `[${e}]`],
            [`experts.${e}.2.weight`, 'w2', `[${e}].T`],
            [`experts.${e}.2.bias`, 'b2', `[${e}]`],
          ]),
        ],
        auxLoss: p.balanceWeight > 0 ? `${pyFloat(p.balanceWeight)} * self.${name}.balance_loss` : undefined,
        blocks: ['MoE'],
      };
    case 'MoA':
      return {
        init: `MoA(${dim()}, experts=${p.experts}, top_k=${p.topK}, heads=${p.heads}, head_dim=${p.headDim}, causal=${p.causal ? 'True' : 'False'})`,
        expr: `self.${name}(${a()})`,
        weights: [
          ['router.weight', 'gate_weight', '.T'],
          ['key.weight', 'w_k', '.T'],
          ['value.weight', 'w_v', '.T'],
          ...perExpert(p.experts, (e) => [
            [`queries.${e}.weight`, 'w_q', `[${e}].T`],
            [`outputs.${e}.weight`, 'w_o', `[${e}].T`],
          ]),
          ['out_bias', 'b_o', ''],
        ],
        auxLoss: p.balanceWeight > 0 ? `${pyFloat(p.balanceWeight)} * self.${name}.balance_loss` : undefined,
        blocks: ['MoA'],
      };
    case 'ModAttn': {
      const d = dim();
      const keyDim = keyDimOf(d, p.heads, p.keyDim);
      return {
        init: `ModAttn(${d}, heads=${p.heads}, key_dim=${keyDim}, code_dim=${p.codeDim})`,
        expr: `self.${name}(${a()})`,
        weights: node.variables.map((v) => interpreterWeight(node, v.name)),
        blocks: ['ModAttn'],
      };
    }
    case 'Script': {
      const d = dim();
      const keyDim = keyDimOf(d, p.heads, p.keyDim);
      return {
        init:
          `Script(${d}, functions=${p.functions}, type_dim=${p.typeDim}, code_dim=${p.codeDim}, loc=${p.loc}, iterations=${p.iterations}, ` +
          `heads=${p.heads}, hidden=${p.hidden}, key_dim=${keyDim}, truncation=${pyFloat(p.truncation)}, temperature=${pyFloat(p.temperature)}, mlp_layers=${p.mlpLayers})`,
        expr: `self.${name}(${a()})`,
        weights: node.variables.map((v) => interpreterWeight(node, v.name)),
        blocks: ['Script'],
      };
    }
  }
  throw new ExportError(`node "${node.id}": kind ${node.type} cannot be exported to PyTorch yet`);
}

function perExpert(experts: number, entries: (e: number) => [string, string, string][]): [string, string, string][] {
  return Array.from({ length: experts }, (_, e) => entries(e)).flat();
}

/**
 * The state_dict key of a ModAttn or Script variable. The engine's names
 * (`loc0.attn.query.W_c`) and the module's (`lines.0.attn.query.W_c`) follow the same
 * structure; ModLin's weight and bias sit in its nn.Linear, and 2-D weights are transposed.
 */
function interpreterWeight(node: ExportNode, variable: string): [string, string, string] {
  const modLin = (prefix: string, field: string): [string, string, string] => {
    if (field === 'weight') return [`${prefix}.linear.weight`, variable, '.T'];
    if (field === 'bias') return [`${prefix}.linear.bias`, variable, ''];
    if (field === 'W_c') return [`${prefix}.W_c`, variable, '.T'];
    throw new ExportError(`node "${node.id}" (${node.type}): unknown ModLin variable "${variable}"`);
  };
  let m: RegExpMatchArray | null;
  if (variable === 'code' || variable === 'codes') return [variable, variable, ''];
  if (variable === 'signatures') return ['type_matching.signatures', variable, ''];
  if ((m = variable.match(/^typeInference\.([01])\.(weight|bias)$/))) {
    return [`type_matching.type_inference.${m[1] === '0' ? 0 : 2}.${m[2]}`, variable, m[2] === 'weight' ? '.T' : ''];
  }
  if ((m = variable.match(/^attn\.(query|key|value|out)\.(\w+)$/))) return modLin(`attn.${m[1]}`, m[2]);
  if ((m = variable.match(/^loc(\d+)\.(attnNorm|mlpNorm)\.(weight|bias)$/))) {
    return [`lines.${m[1]}.${m[2] === 'attnNorm' ? 'attn_norm' : 'mlp_norm'}.${m[3]}`, variable, ''];
  }
  if ((m = variable.match(/^loc(\d+)\.attn\.(query|key|value|out)\.(\w+)$/))) return modLin(`lines.${m[1]}.attn.${m[2]}`, m[3]);
  if ((m = variable.match(/^loc(\d+)\.mlp\.(\d+)\.(\w+)$/))) return modLin(`lines.${m[1]}.mlp.layers.${m[2]}`, m[3]);
  throw new ExportError(`node "${node.id}" (${node.type}): variable "${variable}" has no place in the PyTorch module`);
}

/** `prefix + call`, or the call's arguments one per line when that line would be long. */
function wrapCall(prefix: string, call: string, width = 110): string[] {
  const open = call.indexOf('(');
  if (prefix.length + call.length <= width || open < 0 || !call.endsWith(')')) return [prefix + call];
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = start; i < call.length - 1; i++) {
    const c = call[i];
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      args.push(call.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(call.slice(start, -1).trim());
  const indent = ' '.repeat(prefix.length - prefix.trimStart().length + 4);
  return [`${prefix}${call.slice(0, open + 1)}`, ...args.map((a) => `${indent}${a},`), `${indent.slice(4)})`];
}

/** The blocks in dependency order, each once. */
function orderBlocks(wanted: string[]): string[] {
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    for (const dep of PYTHON_BLOCKS[name].needs) visit(dep);
    order.push(name);
  };
  for (const name of wanted) visit(name);
  return order;
}

export function showType(type: TensorType): string {
  return `[${type.shape.join(', ')}] ${type.dtype}`;
}

/** A Python float literal: always with a point or an exponent. */
export function pyFloat(v: number): string {
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Text safe inside a Python docstring: no closing quotes, no escape sequences. */
function docText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"""/g, "'''");
}

export function pyString(s: string): string {
  return JSON.stringify(s);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  }
  return lines;
}
