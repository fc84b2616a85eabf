import { gaussian } from '../../util/hash.js';
import { defineSynthetic2D, samplesParam } from './common.js';

/** Radius where the arms start: away from the centre, where all arms would meet. */
const INNER_RADIUS = 0.15;

/**
 * Interleaved spirals, one arm per class. Arm c at parameter t in [0, 1] sits at
 * radius r = r0 + (1 - r0)·t and angle 2π(turns·t + c/classes). Neighbouring arms are
 * then a constant radial gap (1 - r0)/(turns·classes) apart, and the jitter is a
 * fraction of that gap, so `noise` means the same whatever the turns and classes.
 */
export const spirals = defineSynthetic2D({
  name: 'spirals',
  summary: 'Interleaved spiral arms, one per class (2-D)',
  doc:
    'The classic interleaved spirals: each class is one arm winding out from the centre. Not linearly separable; a small MLP (two hidden layers of 16–32 ReLUs) separates them. ' +
    '`noise` is the standard deviation of the Gaussian jitter **as a fraction of the gap between neighbouring arms**: 0.1 keeps the arms well apart, 0.3 makes them touch. Points lie within the unit disc.',
  params: {
    samples: samplesParam(2000),
    noise: { kind: 'number', default: 0.1, min: 0, max: 1, doc: 'Jitter, as a fraction of the gap between neighbouring arms' },
    classes: { kind: 'int', default: 2, min: 2, max: 8, doc: 'Number of arms (classes)' },
    turns: { kind: 'number', default: 1.5, min: 0.25, max: 5, doc: 'How many times each arm winds around the centre' },
  },
  classNames: ({ classes }) => Array.from({ length: classes }, (_, c) => `arm ${c + 1}`),
  generate({ samples, noise, classes, turns }, rng) {
    const x = new Float32Array(samples * 2);
    const y = new Int32Array(samples);
    const sigma = (noise * (1 - INNER_RADIUS)) / (turns * classes);
    for (let i = 0; i < samples; i++) {
      const c = i % classes;
      const t = rng();
      const r = INNER_RADIUS + (1 - INNER_RADIUS) * t;
      const angle = 2 * Math.PI * (turns * t + c / classes);
      x[2 * i] = r * Math.cos(angle) + sigma * gaussian(rng);
      x[2 * i + 1] = r * Math.sin(angle) + sigma * gaussian(rng);
      y[i] = c;
    }
    return { x, y };
  },
});
