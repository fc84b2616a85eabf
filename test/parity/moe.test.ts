import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../engine/tf.js';
import type { NodeKind } from '../../engine/nodes/kind.js';
import { MoE } from '../../engine/nodes/mixture/moe.js';
import { MoA } from '../../engine/nodes/mixture/moa.js';
import { runKind } from '../helpers/kinds.js';
import { runTorch, torchAvailable } from '../helpers/pytorch.js';

/**
 * MoE and MoA against a PyTorch reference written from the same formulas but in the
 * plain per-expert form (a loop over nn.Linear experts, torch.topk, masked_fill for
 * causality), in float64, given the same weights. Our weights are [in, out]; nn.Linear
 * stores [out, in], so the reference loads the transpose.
 */
const REFERENCE = String.raw`
import math
import torch.nn as nn
F64 = torch.float64

def T(a):
    return torch.tensor(a, dtype=F64)

def linear(w, b=None):
    layer = nn.Linear(w.shape[0], w.shape[1], bias=b is not None).to(F64)
    with torch.no_grad():
        layer.weight.copy_(w.T)
        if b is not None:
            layer.bias.copy_(b)
    return layer

def top_k_gate(logits, k):
    top, idx = torch.topk(logits, k, dim=-1)
    gates = torch.zeros_like(logits).scatter(-1, idx, torch.softmax(top, dim=-1))
    experts = logits.shape[-1]
    counts = torch.bincount(idx.reshape(-1), minlength=experts).to(F64)
    f = counts / idx.numel()
    P = torch.softmax(logits, dim=-1).mean(0)
    return gates, counts, experts * (f * P).sum()

def moe(c):
    p, w, x = c['params'], {k: T(v) for k, v in c['weights'].items()}, T(c['x'])
    tokens = x.reshape(-1, x.shape[-1])
    gates, counts, balance = top_k_gate(linear(w['gate_weight'], w['gate_bias'])(tokens), p['topK'])
    act = nn.ReLU() if p['activation'] == 'relu' else nn.GELU()
    out = 0
    for e in range(p['experts']):
        expert = nn.Sequential(linear(w['w1'][e], w['b1'][e]), act, linear(w['w2'][e], w['b2'][e]))
        out = out + gates[:, e:e + 1] * expert(tokens)
    return {'out': out.reshape(*x.shape[:-1], -1), 'balance': balance, 'counts': counts}

def moa(c):
    p, w, x = c['params'], {k: T(v) for k, v in c['weights'].items()}, T(c['x'])
    B, L, D = x.shape
    H, dh = p['heads'], p['headDim']
    tokens = x.reshape(-1, D)
    gates, counts, balance = top_k_gate(linear(w['gate_weight'])(tokens), p['topK'])
    def heads(t):
        return t.reshape(B, L, H, dh).transpose(1, 2)
    k = heads(linear(w['w_k'])(x))
    v = heads(linear(w['w_v'])(x))
    out = torch.zeros_like(tokens)
    for e in range(p['experts']):
        q = heads(linear(w['w_q'][e])(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(dh)
        if p['causal']:
            scores = scores.masked_fill(torch.triu(torch.ones(L, L, dtype=torch.bool), 1), float('-inf'))
        a = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(B * L, H * dh)
        out = out + gates[:, e:e + 1] * linear(w['w_o'][e])(a)
    out = out + w['b_o']
    return {'out': out.reshape(B, L, D), 'balance': balance, 'counts': counts}

result = [moe(c) if c['kind'] == 'MoE' else moa(c) for c in data['cases']]
`;

interface ParityCase {
  name: string;
  kind: NodeKind<any>;
  params: Record<string, unknown>;
  shape: number[];
}

const cases: ParityCase[] = [
  { name: 'MoE [B, D] top-1', kind: MoE, params: { experts: 4, topK: 1, hidden: 5, units: 3 }, shape: [8, 4] },
  { name: 'MoE [B, D] top-2 gelu', kind: MoE, params: { experts: 4, topK: 2, hidden: 5, units: 3, activation: 'gelu' }, shape: [8, 4] },
  { name: 'MoE [B, T, D] top-1 gelu', kind: MoE, params: { experts: 3, topK: 1, hidden: 6, units: 2, activation: 'gelu' }, shape: [2, 5, 4] },
  { name: 'MoE [B, T, D] top-2', kind: MoE, params: { experts: 3, topK: 2, hidden: 6, units: 2 }, shape: [2, 5, 4] },
  { name: 'MoA top-1 causal', kind: MoA, params: { experts: 3, topK: 1, heads: 2, headDim: 3 }, shape: [2, 5, 6] },
  { name: 'MoA top-2 causal', kind: MoA, params: { experts: 3, topK: 2, heads: 2, headDim: 3 }, shape: [2, 5, 6] },
  { name: 'MoA top-2 not causal', kind: MoA, params: { experts: 4, topK: 2, heads: 1, headDim: 4, causal: false }, shape: [3, 4, 6] },
];

interface Outcome {
  shape: number[];
  out: number[];
  balance: number;
  counts: number[];
}

function nestedShape(value: unknown): number[] {
  return Array.isArray(value) ? [value.length, ...nestedShape(value[0])] : [];
}

/** |ours - torch| ≤ 1e-5 + 1e-5·|torch|, elementwise; returns the worst excess (≤ 0 passes). */
function worstExcess(ours: ArrayLike<number>, reference: number[]): number {
  expect(ours.length).toBe(reference.length);
  let worst = -Infinity;
  for (let i = 0; i < reference.length; i++) {
    worst = Math.max(worst, Math.abs(ours[i] - reference[i]) - (1e-5 + 1e-5 * Math.abs(reference[i])));
  }
  return worst;
}

describe.skipIf(!torchAvailable())('MoE and MoA match a PyTorch reference', () => {
  const ours: Outcome[] = [];
  let torch: { out: unknown; balance: number; counts: number[] }[] = [];

  beforeAll(() => {
    const payload = cases.map((c, i) => {
      const x = tf.randomNormal(c.shape, 0, 1, 'float32', 100 + i);
      // balanceWeight 1 makes the aux loss the raw balance loss.
      const run = runKind(c.kind, { ...c.params, balanceWeight: 1 }, { in: x });
      ours.push({
        shape: run.outputs.out.shape,
        out: Array.from(run.outputs.out.dataSync()),
        balance: run.auxLosses.balance.dataSync()[0],
        counts: Array.from(run.records.routing.dataSync()),
      });
      const weights = Object.fromEntries(Object.entries(run.vars).map(([k, v]) => [k, v.arraySync()]));
      const params = { causal: true, activation: 'relu', ...c.params };
      return { kind: c.kind.type, params, weights, x: x.arraySync() };
    });
    torch = runTorch<typeof torch>(REFERENCE, { cases: payload });
  });

  cases.forEach((c, i) => {
    it(`${c.name}: same outputs, balance loss and routing counts`, () => {
      const reference = torch[i];
      expect(ours[i].shape).toEqual(nestedShape(reference.out));
      expect(worstExcess(ours[i].out, (reference.out as number[]).flat(3) as number[])).toBeLessThanOrEqual(0);
      expect(worstExcess([ours[i].balance], [reference.balance])).toBeLessThanOrEqual(0);
      expect(ours[i].counts).toEqual(reference.counts);
    });
  });
});
