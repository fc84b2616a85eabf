import { tf } from '../../tf.js';
import { directionNorm, disposeDirection, type Direction, type LossEvaluator } from './evaluator.js';
import { createCheckpoint, type Cancellable } from './progress.js';

/**
 * Sharpness as the SAM article defines it (Foret et al. 2020):
 *   max over ‖ε‖₂ ≤ ρ of L(w + ε) − L(w),
 * with L the mean loss over the whole evaluation split (full batch: deterministic).
 * The maximum is estimated from below two ways:
 *  - firstOrder: the article's step ε̂ = ρ·g/‖g‖ (g = ∇L(w)), the maximiser of the
 *    first-order Taylor expansion;
 *  - ascent: projected gradient ascent started at ε̂: ε ← Π(ε + α·ρ·∇L(w+ε)/‖∇L(w+ε)‖),
 *    Π the projection onto the ρ-ball; the best point visited counts, ε̂ included, so
 *    ascent ≥ firstOrder always.
 */
export interface SharpnessOptions extends Cancellable {
  /** Radius of the ball (SAM's ρ). Default 0.05. */
  rho?: number;
  /** Gradient-ascent steps after the first-order one. Default 5. */
  steps?: number;
  /** Each ascent step moves α·ρ along the normalised gradient. Default 0.5. */
  stepSize?: number;
}

export interface SharpnessResult {
  rho: number;
  /** L(w). */
  loss: number;
  /** ‖∇L(w)‖₂. */
  gradNorm: number;
  /** L(w + ε̂) − L(w). */
  firstOrder: number;
  /** max over the ascent's points of L(w + ε) − L(w). */
  ascent: number;
  /** L(w + ε) − L(w) at each point of the ascent, ε̂ first. */
  ascentPath: number[];
}

export async function measureSharpness(evaluator: LossEvaluator, options: SharpnessOptions = {}): Promise<SharpnessResult> {
  const rho = options.rho ?? 0.05;
  const steps = options.steps ?? 5;
  const alpha = options.stepSize ?? 0.5;
  if (!(rho > 0)) throw new RangeError(`rho must be > 0, got ${rho}`);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be a whole number ≥ 0, got ${steps}`);
  const checkpoint = createCheckpoint(options.signal);
  const total = steps + 1;
  let eps: Direction | null = null;
  try {
    evaluator.restore();
    const { loss, grads } = await evaluator.gradient();
    const gradNorm = directionNorm(grads);
    options.onProgress?.({ phase: 'sharpness', done: 0, total });
    if (!(gradNorm > 0)) {
      disposeDirection(grads);
      return { rho, loss, gradNorm, firstOrder: 0, ascent: 0, ascentPath: [0] };
    }
    eps = scaled(grads, rho / gradNorm);
    disposeDirection(grads);
    evaluator.moveTo([eps], [1]);
    const path = [(await evaluator.loss()) - loss];
    options.onProgress?.({ phase: 'sharpness', done: 1, total });
    for (let k = 0; k < steps; k++) {
      await checkpoint();
      const at = await evaluator.gradient();
      const norm = directionNorm(at.grads);
      if (!(norm > 0)) {
        disposeDirection(at.grads);
        break;
      }
      const next: Direction = new Map();
      for (const [name, e] of eps) next.set(name, tf.tidy(() => tf.add(e, tf.mul(at.grads.get(name)!, (alpha * rho) / norm))));
      disposeDirection(at.grads);
      disposeDirection(eps);
      const len = directionNorm(next);
      eps = len > rho ? scaled(next, rho / len) : next;
      if (eps !== next) disposeDirection(next);
      evaluator.moveTo([eps], [1]);
      path.push((await evaluator.loss()) - loss);
      options.onProgress?.({ phase: 'sharpness', done: k + 2, total });
    }
    return { rho, loss, gradNorm, firstOrder: path[0], ascent: Math.max(...path), ascentPath: path };
  } finally {
    disposeDirection(eps);
    evaluator.restore();
  }
}

function scaled(d: Direction, factor: number): Direction {
  const out: Direction = new Map();
  for (const [name, t] of d) out.set(name, tf.mul(t, factor));
  return out;
}
