import { tf } from '../tf.js';
import { fusedAdamUpdate } from '../backend/fused.js';
import type { OptimizerConfig } from '../graph/schema.js';

/**
 * Optimizers with torch.optim's exact update rules (SGD, Adam, AdamW in PyTorch 1.13,
 * dampening 0, amsgrad off), so a graph trained here follows the same trajectory as
 * the same model in PyTorch given the same gradients. tfjs's own optimizers differ
 * (their Adam folds eps in differently, their momentum scales the first step), hence
 * our own.
 *
 * Variables and gradients are keyed by the compiler's variable names (`h1/weight`).
 * Like torch, a variable without a gradient in a step is left alone, state included.
 */
export interface Optimizer {
  readonly type: OptimizerConfig['type'];
  /** Number of applyGradients calls so far (restored by setState). */
  readonly step: number;
  /** Changeable between steps, for schedules. */
  learningRate: number;
  applyGradients(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>): void;
  /**
   * Copies of the optimizer's state, owned by the caller (dispose them). Names:
   * `step` (int32 scalar) and per variable `sgd.momentum/<name>`, or `adam.m/<name>`,
   * `adam.v/<name>`, `adam.t/<name>` (int32 scalar: torch counts steps per parameter).
   */
  getState(): Record<string, tf.Tensor>;
  /** Replaces the state with copies of `state` (as getState returned it). */
  setState(state: Record<string, tf.Tensor>): void;
  dispose(): void;
}

export function createOptimizer(config: OptimizerConfig): Optimizer {
  switch (config.type) {
    case 'sgd':
      return new Sgd(config);
    case 'adam':
      return new Adam(config, false);
    case 'adamw':
      return new Adam(config, true);
  }
}

/** State shared by both families: per-variable slot tensors and the step count. */
abstract class SlotOptimizer implements Optimizer {
  abstract readonly type: OptimizerConfig['type'];
  learningRate: number;
  protected steps = 0;
  /** slot name (`m`, `v`, `momentum`) → variable name → value. */
  protected slots = new Map<string, Map<string, tf.Variable>>();
  /** Per-variable step counts, where the family needs them (Adam's bias correction). */
  protected varSteps = new Map<string, number>();

  constructor(learningRate: number, protected readonly slotNames: string[], protected readonly countsVarSteps: boolean) {
    this.learningRate = learningRate;
    for (const s of slotNames) this.slots.set(s, new Map());
  }

  get step(): number {
    return this.steps;
  }

  protected abstract prefix(): string;
  protected abstract update(name: string, v: tf.Variable, g: tf.Tensor): void;

  applyGradients(vars: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>): void {
    for (const name of Object.keys(grads)) {
      if (!vars.has(name)) throw new Error(`optimizer: gradient for "${name}", which is not a variable of this model`);
    }
    for (const [name, v] of vars) {
      const g = grads[name];
      if (!g) continue;
      if (g.shape.join() !== v.shape.join()) {
        throw new Error(`optimizer: gradient for "${name}" has shape [${g.shape}], the variable [${v.shape}]`);
      }
      if (this.countsVarSteps) this.varSteps.set(name, (this.varSteps.get(name) ?? 0) + 1);
      // Everything the update computes is released here; only assign()ed values survive.
      tf.tidy(() => this.update(name, v, g));
    }
    this.steps++;
  }

  /** The slot for `name`, created as zeros (non-trainable, so variableGrads never sees it). */
  protected slot(slotName: string, name: string, like: tf.Variable): { value: tf.Variable; fresh: boolean } {
    const bySlot = this.slots.get(slotName)!;
    const existing = bySlot.get(name);
    if (existing) {
      if (existing.shape.join() !== like.shape.join()) {
        throw new Error(
          `optimizer: saved state ${this.prefix()}.${slotName}/${name} has shape [${existing.shape}], the variable [${like.shape}]`,
        );
      }
      return { value: existing, fresh: false };
    }
    const value = tf.variable(tf.zerosLike(like), false);
    bySlot.set(name, value);
    return { value, fresh: true };
  }

  getState(): Record<string, tf.Tensor> {
    const state: Record<string, tf.Tensor> = { step: tf.scalar(this.steps, 'int32') };
    for (const [slotName, bySlot] of this.slots) {
      for (const [name, value] of bySlot) state[`${this.prefix()}.${slotName}/${name}`] = tf.clone(value);
    }
    for (const [name, t] of this.varSteps) state[`${this.prefix()}.t/${name}`] = tf.scalar(t, 'int32');
    return state;
  }

  setState(state: Record<string, tf.Tensor>): void {
    const slots = new Map<string, Map<string, tf.Tensor>>(this.slotNames.map((s) => [s, new Map()]));
    const varSteps = new Map<string, number>();
    let steps = 0;
    for (const [key, t] of Object.entries(state)) {
      if (key === 'step') {
        steps = scalarInt(key, t);
        continue;
      }
      const m = /^([a-z]+)\.([a-z]+)\/(.+)$/.exec(key);
      if (!m || m[1] !== this.prefix()) {
        throw new Error(`optimizer state "${key}" does not belong to this ${this.type} optimizer (was it saved with another one?)`);
      }
      const [, , slotName, name] = m;
      if (slotName === 't' && this.countsVarSteps) varSteps.set(name, scalarInt(key, t));
      else if (slots.has(slotName)) slots.get(slotName)!.set(name, t);
      else throw new Error(`optimizer state "${key}": unknown slot "${slotName}" for ${this.type}`);
    }
    this.disposeSlots();
    for (const [slotName, byName] of slots) {
      const bySlot = this.slots.get(slotName)!;
      for (const [name, t] of byName) {
        const copy = tf.cast(t, 'float32');
        bySlot.set(name, tf.variable(copy, false));
        copy.dispose(); // the variable holds its own reference to the data
      }
    }
    this.varSteps = varSteps;
    this.steps = steps;
  }

  private disposeSlots(): void {
    for (const bySlot of this.slots.values()) {
      for (const v of bySlot.values()) v.dispose();
      bySlot.clear();
    }
  }

  dispose(): void {
    this.disposeSlots();
    this.varSteps.clear();
  }
}

function scalarInt(key: string, t: tf.Tensor): number {
  if (t.size !== 1) throw new Error(`optimizer state "${key}" must be a scalar, got shape [${t.shape}]`);
  const n = t.dataSync()[0];
  if (!Number.isInteger(n) || n < 0) throw new Error(`optimizer state "${key}" must be a step count, got ${n}`);
  return n;
}

/**
 * torch.optim.SGD (dampening 0):
 *   g ← g + wd·w;  buf ← g on the first step, else momentum·buf + g;
 *   g ← g + momentum·buf (nesterov) or buf;  w ← w − lr·g.
 */
class Sgd extends SlotOptimizer {
  readonly type = 'sgd' as const;
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private readonly weightDecay: number;

  constructor(config: OptimizerConfig) {
    const momentum = config.momentum ?? 0;
    super(config.learningRate, momentum !== 0 ? ['momentum'] : [], false);
    this.momentum = momentum;
    this.nesterov = config.nesterov ?? false;
    this.weightDecay = config.weightDecay ?? 0;
    if (this.nesterov && momentum === 0) throw new Error('optimizer: Nesterov momentum needs momentum > 0');
  }

  protected prefix(): string {
    return 'sgd';
  }

  protected update(name: string, v: tf.Variable, grad: tf.Tensor): void {
    let g = grad;
    if (this.weightDecay !== 0) g = g.add(v.mul(this.weightDecay));
    if (this.momentum !== 0) {
      const { value: buf, fresh } = this.slot('momentum', name, v);
      const next = fresh ? g : buf.mul(this.momentum).add(g);
      buf.assign(next);
      g = this.nesterov ? g.add(next.mul(this.momentum)) : next;
    }
    v.assign(v.sub(g.mul(this.learningRate)));
  }
}

/**
 * torch.optim.Adam / AdamW, with t this variable's step count:
 *   Adam:  g ← g + wd·w.   AdamW: w ← w·(1 − lr·wd).
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *   w ← w − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + eps).
 */
class Adam extends SlotOptimizer {
  readonly type: 'adam' | 'adamw';
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;

  constructor(config: OptimizerConfig, private readonly decoupled: boolean) {
    super(config.learningRate, ['m', 'v'], true);
    this.type = decoupled ? 'adamw' : 'adam';
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.eps = config.eps ?? 1e-8;
    this.weightDecay = config.weightDecay ?? (decoupled ? 0.01 : 0);
  }

  protected prefix(): string {
    // AdamW's state is Adam's (torch's too): either can resume from the other's.
    return 'adam';
  }

  protected update(name: string, w: tf.Variable, grad: tf.Tensor): void {
    const lr = this.learningRate;
    const t = this.varSteps.get(name)!;
    const m = this.slot('m', name, w).value;
    const v = this.slot('v', name, w).value;
    // One fused kernel where the backend has it (native): the same arithmetic in one pass.
    if (fusedAdamUpdate(w, grad, m, v, { learningRate: lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, decoupled: this.decoupled, step: t })) return;
    let g = grad;
    let base: tf.Tensor = w;
    if (this.weightDecay !== 0) {
      if (this.decoupled) base = w.mul(1 - lr * this.weightDecay);
      else g = g.add(w.mul(this.weightDecay));
    }
    const mNext = m.mul(this.beta1).add(g.mul(1 - this.beta1));
    const vNext = v.mul(this.beta2).add(g.square().mul(1 - this.beta2));
    m.assign(mNext);
    v.assign(vNext);
    // Bias corrections in double precision, as torch computes them in Python floats.
    const stepSize = lr / (1 - this.beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - this.beta2 ** t);
    const denom = vNext.sqrt().div(bc2Sqrt).add(this.eps);
    w.assign(base.sub(mNext.div(denom).mul(stepSize)));
  }
}
