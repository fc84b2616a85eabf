import { describe, expect, it } from 'vitest';
import { tf } from '../../engine/tf.js';
import type { OptimizerConfig } from '../../engine/graph/schema.js';
import { createOptimizer } from '../../engine/train/optimizers.js';
import { createRng } from '../../engine/util/hash.js';
import { runTorch, torchAvailable } from '../helpers/pytorch.js';

// Same initial weights, same fixed gradients, five steps: our optimizers against torch.optim.
const shapes: Record<string, number[]> = { 'h1/weight': [3, 4], 'h1/bias': [4] };
const rng = createRng(42);
const randomArray = (n: number, scale: number) => Array.from({ length: n }, () => Math.fround((rng() * 2 - 1) * scale));
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const init = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, randomArray(size(s), 1)]));
// Gradients of very different scales; step 3 has no gradient for the bias (torch: grad None,
// the parameter and its state are skipped, so its Adam step count falls behind).
const grads: Record<string, number[]>[] = [0.1, 3, 0.01, 1, 20].map((scale, i) => {
  const g: Record<string, number[]> = {};
  for (const [k, s] of Object.entries(shapes)) if (!(i === 2 && k === 'h1/bias')) g[k] = randomArray(size(s), scale);
  return g;
});

const configs: OptimizerConfig[] = [
  { type: 'sgd', learningRate: 0.1 },
  { type: 'sgd', learningRate: 0.05, momentum: 0.9 },
  { type: 'sgd', learningRate: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01 },
  { type: 'adam', learningRate: 0.01 },
  { type: 'adam', learningRate: 0.02, weightDecay: 0.1, beta1: 0.8, beta2: 0.99, eps: 1e-6 },
  { type: 'adamw', learningRate: 0.01 },
  { type: 'adamw', learningRate: 0.03, weightDecay: 0.5 },
];

function ours(config: OptimizerConfig): Record<string, number[]> {
  const vars = new Map(Object.entries(shapes).map(([k, s]) => [k, tf.variable(tf.tensor(init[k], s))]));
  const o = createOptimizer(config);
  for (const step of grads) {
    const g = Object.fromEntries(Object.entries(step).map(([k, v]) => [k, tf.tensor(v, shapes[k])]));
    o.applyGradients(vars, g);
    tf.dispose(Object.values(g));
  }
  const out = Object.fromEntries([...vars].map(([k, v]) => [k, Array.from(v.dataSync())]));
  o.dispose();
  vars.forEach((v) => v.dispose());
  return out;
}

const TORCH = `
out = []
for cfg in data['configs']:
    names = list(data['shapes'])
    params = {k: torch.tensor(data['init'][k], dtype=torch.float32).reshape(data['shapes'][k]).requires_grad_() for k in names}
    plist = [params[k] for k in names]
    lr = cfg['learningRate']
    if cfg['type'] == 'sgd':
        o = torch.optim.SGD(plist, lr=lr, momentum=cfg.get('momentum', 0), nesterov=cfg.get('nesterov', False),
                            weight_decay=cfg.get('weightDecay', 0))
    else:
        cls = torch.optim.Adam if cfg['type'] == 'adam' else torch.optim.AdamW
        o = cls(plist, lr=lr, betas=(cfg.get('beta1', 0.9), cfg.get('beta2', 0.999)), eps=cfg.get('eps', 1e-8),
                weight_decay=cfg.get('weightDecay', 0 if cfg['type'] == 'adam' else 0.01))
    for g in data['grads']:
        for k in names:
            params[k].grad = torch.tensor(g[k], dtype=torch.float32).reshape(data['shapes'][k]) if k in g else None
        o.step()
    out.append({k: params[k].reshape(-1) for k in names})
result = out
`;

describe('optimizers against torch.optim', () => {
  it.skipIf(!torchAvailable())('give the same weights after 5 steps (SGD, momentum, Nesterov, Adam, AdamW)', () => {
    const expected = runTorch<Record<string, number[]>[]>(TORCH, { shapes, init, grads, configs });
    configs.forEach((config, i) => {
      const got = ours(config);
      for (const name of Object.keys(shapes)) {
        const want = expected[i][name];
        const worst = Math.max(...got[name].map((v, j) => Math.abs(v - want[j]) / (1 + Math.abs(want[j]))));
        expect(worst, `${JSON.stringify(config)} ${name}`).toBeLessThan(1e-5);
        // The weights moved: the comparison is not of two untouched copies.
        expect(got[name]).not.toEqual(init[name]);
      }
    });
  });
});
